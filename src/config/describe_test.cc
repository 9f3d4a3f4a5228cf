// The texts made from the option table: the docs table must be what the generator prints, and
// `config show` must never print a secret.
#include "config/describe.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace quell::config {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// docs/operations.md holds the table between the markers; regenerate it with
// `quell config docs` when an option changes.
TEST(Describe, DocsTableIsWhatTheGeneratorPrints) {
  const char* root = std::getenv("QUELL_SOURCE_DIR");
  ASSERT_NE(root, nullptr) << "set QUELL_SOURCE_DIR to the repository";
  const std::string doc = ReadFile(std::string(root) + "/docs/operations.md");
  const size_t begin = doc.find(kDocsTableBegin);
  const size_t end = doc.find(kDocsTableEnd);
  ASSERT_NE(begin, std::string::npos) << "docs/operations.md has no " << kDocsTableBegin;
  ASSERT_NE(end, std::string::npos) << "docs/operations.md has no " << kDocsTableEnd;
  const size_t start = doc.find('\n', begin) + 1;
  ASSERT_LE(start, end);
  EXPECT_EQ(doc.substr(start, end - start), OptionsMarkdownTable())
      << "run `quell config docs` and paste its output between the markers";
}

TEST(Describe, MarkdownTableHasOneRowOfFourCellsPerOption) {
  std::istringstream table(OptionsMarkdownTable());
  std::string line;
  size_t rows = 0;
  while (std::getline(table, line)) {
    size_t bars = 0;
    for (size_t i = 0; i < line.size(); ++i)
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++bars;
    EXPECT_EQ(bars, 5u) << line;  // a '|' in a help text is escaped, not a fifth column
    ++rows;
  }
  EXPECT_EQ(rows, ConfigKeys().size() + 2);  // header and rule
}

TEST(Describe, HelpListsEveryOptionWithItsVariableAndDefault) {
  const std::string help = OptionsHelp();
  for (const auto& key : ConfigKeys()) {
    EXPECT_NE(help.find("  " + key.name + " (" + key.env + ", default: "), std::string::npos)
        << key.name;
    if (!key.default_value.empty()) {
      EXPECT_NE(help.find("default: " + key.default_value + ")"), std::string::npos) << key.name;
    }
  }
}

// The line of `config show` for `key`.
std::string LineOf(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + " ", 0) == 0) return line;
  return "";
}

TEST(Describe, ShowSaysWhereEachValueCameFromAndMasksSecrets) {
  auto path = std::filesystem::temp_directory_path() /
              ("quell_describe_test_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path)
      << "[grouping]\nwindow = \"10m\"\n[telegram]\nbot_token = \"123:FILESECRET\"\n";
  ConfigSources sources;
  sources.file = path.string();
  sources.env = {{"QUELL_LLM_API_KEY", "sk-ENVSECRET"}, {"QUELL_LLM_MODEL", "m1"}};
  sources.overrides = {{"telegram.webhook_secret", "FLAGSECRET"}, {"http_threads", "3"}};
  auto resolved = ResolveConfig(sources);
  std::filesystem::remove(path);
  ASSERT_TRUE(resolved) << resolved.error().ToString();
  const std::string text = EffectiveConfigText(*resolved);

  for (const char* secret : {"FILESECRET", "ENVSECRET", "FLAGSECRET"})
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " shown in clear:\n" << text;
  EXPECT_NE(LineOf(text, "telegram.bot_token").find(kMasked), std::string::npos) << text;
  EXPECT_NE(LineOf(text, "llm.api_key").find(kMasked), std::string::npos) << text;
  EXPECT_NE(LineOf(text, "telegram.webhook_secret").find(kMasked), std::string::npos) << text;

  EXPECT_NE(LineOf(text, "grouping.window").find("10m"), std::string::npos) << text;
  EXPECT_NE(LineOf(text, "grouping.window").find("file " + path.string() + ":2"), std::string::npos)
      << text;
  EXPECT_NE(LineOf(text, "llm.model").find("env QUELL_LLM_MODEL"), std::string::npos) << text;
  EXPECT_NE(LineOf(text, "http_threads").find("flag"), std::string::npos) << text;
  EXPECT_NE(LineOf(text, "listen").find("127.0.0.1:8080"), std::string::npos) << text;
  EXPECT_NE(LineOf(text, "listen").find("default"), std::string::npos) << text;
  // An unset secret shows as empty, not as the mask (it would suggest one is set).
  auto defaults = ResolveConfig({});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(LineOf(EffectiveConfigText(*defaults), "llm.api_key").find(kMasked), std::string::npos);
  // One line per option.
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, ConfigKeys().size());
}

}  // namespace
}  // namespace quell::config
