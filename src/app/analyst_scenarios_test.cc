// Regression test: the built-in analyst on every scenario of bench/scenarios gives the expected
// root-cause service, guilty deploy (or none), severity and diagnosis (rule, generic or not).
#include "app/analyst_scenario.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "analysis/builtin_analyst.h"

namespace quell::app {
namespace {

std::filesystem::path ScenarioDir() {
  const char* root = std::getenv("QUELL_SOURCE_DIR");
  return std::filesystem::path(root ? root : ".") / "bench" / "scenarios";
}

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(AnalystScenarios, EveryScenarioGetsItsExpectedAnswer) {
  ASSERT_NE(std::getenv("QUELL_SOURCE_DIR"), nullptr);
  const auto files = ScenarioFiles(ScenarioDir());
  ASSERT_GE(files.size(), 20u) << ScenarioDir();  // the 15 originals and issue 17's confusions
  analysis::BuiltinAnalyst analyst;
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    auto run = RunScenario(Read(file), analyst);
    ASSERT_TRUE(run) << run.error().ToString();
    // A known miss must still miss: when the analyst gets it right, the entry has to go.
    auto check = [&](const char* field, const std::string& got, const std::string& want) {
      auto known = run->known_misses.find(field);
      if (known == run->known_misses.end())
        EXPECT_EQ(got, want) << field << "; root cause: " << run->analysis.root_cause;
      else
        EXPECT_NE(got, want) << field << " is right now: remove it from known_misses ("
                             << known->second << ")";
    };
    check("root_service", run->got.root_service, run->want.root_service);
    check("deploy", run->got.deploy, run->want.deploy);
    check("severity", run->got.severity, run->want.severity);
    check("rule", run->got.rule, run->want.rule);
    EXPECT_EQ(run->got.generic, run->want.generic)
        << run->analysis.root_cause << " (confidence " << run->analysis.confidence << ")";
  }
}

TEST(AnalystScenarios, AScenarioWithoutItsExpectedRuleIsRejected) {
  analysis::BuiltinAnalyst analyst;
  auto run = RunScenario(R"({"expected":{"root_service":"api","deploy":null,"severity":"high"},
                             "alerts":[{"service":"api","error":"boom"}]})",
                         analyst);
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().field(), "expected.rule");
}

}  // namespace
}  // namespace quell::app
