// Test-only helpers for adapter golden files: tests/testdata/<dir>/*.json in, the normalised
// alerts compared with <name>.expected.json. QUELL_UPDATE_GOLDEN=1 rewrites the golden files.
// Header-only, test-only: the ingest unit tests include it as "../tests/golden_files.h".
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>

#include "ingest/adapter.h"
#include "model/json_codec.h"

namespace quell::ingest {

inline std::filesystem::path TestDataDir() {
  const char* root = std::getenv("QUELL_SOURCE_DIR");
  return std::filesystem::path(root ? root : ".") / "tests" / "testdata";
}

inline std::string ReadTestData(const std::filesystem::path& relative) {
  std::ifstream in(TestDataDir() / relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Returns how many payloads were compared. `parse` takes the body, or the body and the file name.
template <typename Parser>
int CompareGoldenDir(const std::string& dir, Parser parse) {
  namespace fs = std::filesystem;
  namespace json = boost::json;
  const bool update = std::getenv("QUELL_UPDATE_GOLDEN") != nullptr;
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(TestDataDir() / dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name.find(".expected.") != std::string::npos)
      continue;
    AdapterResult parsed = [&] {
      if constexpr (std::is_invocable_v<Parser, std::string, std::string>) {
        return parse(ReadTestData(fs::path(dir) / name), name);
      } else {
        return parse(ReadTestData(fs::path(dir) / name));
      }
    }();
    EXPECT_TRUE(parsed) << name << ": " << (parsed ? "" : parsed.error().ToString());
    if (!parsed) continue;
    EXPECT_TRUE(parsed->item_errors.empty()) << name;
    json::array actual;
    for (const auto& a : parsed->alerts) actual.push_back(model::NormalizedAlertToJson(a));
    fs::path golden = entry.path();
    golden.replace_extension(".expected.json");
    if (update) {
      std::ofstream(golden) << json::serialize(actual) << "\n";
    } else {
      EXPECT_TRUE(fs::exists(golden)) << golden;
      std::ifstream in(golden);
      std::stringstream ss;
      ss << in.rdbuf();
      EXPECT_EQ(json::value(actual), json::parse(ss.str())) << name;
    }
    ++compared;
  }
  return compared;
}

}  // namespace quell::ingest
