// The API's documentation against the real server: /api/openapi.json serves docs/openapi.json,
// /api/docs serves the page that renders it, and the example requests in README.md,
// docs/api.md and docs/user-guide.md run, so they cannot drift from what the server answers.
//
// An example is a block between "<!-- tested example -->" and "<!-- end tested example -->":
// shell lines (curl with 127.0.0.1:8080 and quell-data/, replaced by the test server's port and
// data dir; $TOKEN is the admin token, as the README sets it) each followed by a comment
// "# STATUS BODY" with the answer. BODY may continue on
// comment lines starting with "#  " (a line break is one space); it must have the answer's
// shape: the same keys, arrays of the same length, equal values; the string "…" stands for any
// value (times, ids).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

constexpr std::string_view kBegin = "<!-- tested example -->";
constexpr std::string_view kEnd = "<!-- end tested example -->";
// Stands for any value in an example's answer.
constexpr std::string_view kAnyValue = "…";

struct ExpectedAnswer {
  int status = 0;
  std::string body;  // JSON, or empty for an empty body
};

struct Example {
  int line = 0;        // where the block starts in its file
  std::string script;  // the shell lines
  std::vector<ExpectedAnswer> answers;
};

void ReplaceAll(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// "# 202 {...}" -> {202, "{...}"}; nullopt for other comments.
std::optional<ExpectedAnswer> AnswerLine(const std::string& line) {
  if (line.size() < 5 || line.rfind("# ", 0) != 0) return std::nullopt;
  const std::string code = line.substr(2, 3);
  if (code.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  if (line.size() > 5 && line[5] != ' ') return std::nullopt;
  return ExpectedAnswer{std::stoi(code), line.size() > 6 ? line.substr(6) : ""};
}

std::vector<Example> ExtractExamples(const std::string& markdown) {
  std::vector<Example> examples;
  std::istringstream in(markdown);
  std::string line;
  int line_no = 0;
  bool inside = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (line == kBegin) {
      examples.push_back({line_no, "", {}});
      inside = true;
    } else if (line == kEnd) {
      inside = false;
    } else if (inside && line.rfind("```", 0) != 0) {
      Example* open = &examples.back();
      if (auto answer = AnswerLine(line)) {
        open->answers.push_back(*answer);
      } else if (line.rfind("#  ", 0) == 0 && !open->answers.empty()) {
        open->answers.back().body += " " + line.substr(3);  // the answer continued
      } else {
        open->script += line + "\n";
      }
    }
  }
  return examples;
}

// Why `actual` does not have the shape of `expected`, or "" if it does.
std::string ShapeMismatch(const json::value& expected, const json::value& actual,
                          const std::string& where) {
  if (expected.is_string() && expected.as_string() == kAnyValue) return "";
  if (expected.is_number() && actual.is_number())
    return expected.to_number<double>() == actual.to_number<double>()
               ? ""
               : where + ": " + json::serialize(actual) + ", example says " +
                     json::serialize(expected);
  if (expected.kind() != actual.kind())
    return where + ": " + json::serialize(actual) + ", example says " + json::serialize(expected);
  if (expected.is_object()) {
    for (const auto& [key, value] : actual.as_object())
      if (!expected.as_object().contains(key))
        return where + "." + std::string(key) + " is answered but not in the example";
    for (const auto& [key, value] : expected.as_object()) {
      const json::value* got = actual.as_object().if_contains(key);
      if (!got) return where + "." + std::string(key) + " is in the example but not answered";
      if (auto why = ShapeMismatch(value, *got, where + "." + std::string(key)); !why.empty())
        return why;
    }
    return "";
  }
  if (expected.is_array()) {
    if (expected.as_array().size() != actual.as_array().size())
      return where + ": " + std::to_string(actual.as_array().size()) + " items, example shows " +
             std::to_string(expected.as_array().size());
    for (size_t i = 0; i < expected.as_array().size(); ++i)
      if (auto why = ShapeMismatch(expected.as_array()[i], actual.as_array()[i],
                                   where + "[" + std::to_string(i) + "]");
          !why.empty())
        return why;
    return "";
  }
  return expected == actual ? ""
                            : where + ": " + json::serialize(actual) + ", example says " +
                                  json::serialize(expected);
}

// Runs the examples of one file, in order, against a fresh server.
void RunExamples(const std::string& file) {
  SCOPED_TRACE(file);
  const std::vector<Example> examples = ExtractExamples(ReadTextFile(SourceDir() + "/" + file));
  ASSERT_FALSE(examples.empty()) << file << " has no tested example";
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  for (const Example& example : examples) {
    SCOPED_TRACE(file + ":" + std::to_string(example.line));
    ASSERT_FALSE(example.answers.empty()) << "the example shows no answer (# STATUS BODY)";
    std::string script = example.script;
    ReplaceAll(script, "127.0.0.1:8080", "127.0.0.1:" + std::to_string(server.port()));
    ReplaceAll(script, "quell-data/", server.data_dir() + "/data/");  // quell serve's --data-dir
    // Every curl prints its answer's status after the body.
    const std::string path = server.data_dir() + "/example.sh";
    std::ofstream(path) << "set -eu\n"
                           "curl() { command curl -sS -w '\\n@@status %{http_code}\\n' \"$@\"; }\n"
                        << "TOKEN=" << server.admin_token() << "\n"
                        << script;
    const std::string output_path = server.data_dir() + "/example.out";
    const int exit_code = std::system(("bash " + path + " > " + output_path + " 2>&1").c_str());
    const std::string output = ReadTextFile(output_path);
    ASSERT_EQ(exit_code, 0) << script << "\n" << output;

    std::vector<ExpectedAnswer> answers;
    std::istringstream lines(output);
    std::string line, body;
    while (std::getline(lines, line)) {
      if (line.rfind("@@status ", 0) == 0) {
        while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
        answers.push_back({std::stoi(line.substr(9)), body});
        body.clear();
      } else {
        body += line + "\n";
      }
    }
    ASSERT_EQ(answers.size(), example.answers.size())
        << "each curl is followed by its answer (# STATUS BODY)\n" << output;
    for (size_t i = 0; i < answers.size(); ++i) {
      const ExpectedAnswer& want = example.answers[i];
      const ExpectedAnswer& got = answers[i];
      EXPECT_EQ(got.status, want.status) << "request " << i + 1 << ": " << got.body;
      if (want.body.empty()) {
        EXPECT_EQ(got.body, "") << "request " << i + 1;
        continue;
      }
      boost::system::error_code ec;
      json::value expected = json::parse(want.body, ec);
      ASSERT_FALSE(ec) << "the example's answer is not JSON: " << want.body;
      json::value actual = json::parse(got.body, ec);
      ASSERT_FALSE(ec) << "the answer is not JSON: " << got.body;
      EXPECT_EQ(ShapeMismatch(expected, actual, "answer"), "")
          << "request " << i + 1 << " answered " << got.body;
    }
  }
}

TEST(ApiDocsTest, ReadmeExamplesRun) { RunExamples("README.md"); }

TEST(ApiDocsTest, ApiReferenceExamplesRun) { RunExamples("docs/api.md"); }

TEST(ApiDocsTest, UserGuideExamplesRun) { RunExamples("docs/user-guide.md"); }

TEST(ApiDocsTest, ShapeMismatchFindsWhatDiffers) {
  auto mismatch = [](const char* expected, const char* actual) {
    return ShapeMismatch(json::parse(expected), json::parse(actual), "answer");
  };
  EXPECT_EQ(mismatch(R"({"a":1,"t":"…","l":[true]})", R"({"a":1.0,"t":"12:00","l":[true]})"), "");
  EXPECT_NE(mismatch(R"({"a":1})", R"({"a":2})"), "");
  EXPECT_NE(mismatch(R"({"a":1})", R"({"a":1,"b":2})"), "");  // an undocumented field
  EXPECT_NE(mismatch(R"({"a":1,"b":2})", R"({"a":1})"), "");  // a documented one gone
  EXPECT_NE(mismatch(R"({"l":[1,2]})", R"({"l":[1]})"), "");
  EXPECT_NE(mismatch(R"({"a":"1"})", R"({"a":1})"), "");
}

TEST(ApiDocsTest, ServesTheDescriptionAndItsPageWithoutAToken) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  auto client = server.NewClient();
  auto description = client->Get("/api/openapi.json");
  ASSERT_TRUE(description);
  EXPECT_EQ(description->status, 200);
  EXPECT_EQ(description->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(description->body, ReadTextFile(SourceDir() + "/docs/openapi.json"));
  auto page = client->Get("/api/docs");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  for (const char* asset : {"/assets/dom.js", "/assets/api-docs.js", "/assets/api-docs.css"}) {
    EXPECT_NE(page->body.find(asset), std::string::npos) << asset;
    EXPECT_EQ(server.Get(asset, "").status, 200) << asset;
  }
}

}  // namespace
}  // namespace quell::testing
