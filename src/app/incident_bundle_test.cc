// Incident bundles (quell analyze's input): the logs' baseline and the errors that name a field.
#include "app/incident_bundle.h"

#include <gtest/gtest.h>

#include <string>

namespace quell::app {
namespace {

constexpr TimeMs kNow = 1'900'000'000'000;

const analysis::LogTemplateEvidence* Find(const analysis::EvidencePack& pack, const std::string& prefix) {
  for (const auto& t : pack.log_templates)
    if (t.text.rfind(prefix, 0) == 0) return &t;
  return nullptr;
}

// An hour of steady INFO lines from 05:00, errors from 05:52, the alert at 06:00; deploys as given.
std::string Bundle(const std::string& deploys) {
  std::string logs;
  for (int m = 0; m < 60; ++m)
    logs += R"({"service":"reports","ts":"2026-11-24T05:)" + std::string(m < 10 ? "0" : "") +
            std::to_string(m) + R"(:00Z","level":"INFO","message":"rendered report id=)" +
            std::to_string(1000 + m) + R"("},)";
  for (int m = 52; m < 60; ++m)
    logs += R"({"service":"reports","ts":"2026-11-24T05:)" + std::to_string(m) +
            R"(:30Z","level":"ERROR","message":"canceling statement due to statement timeout (report )" +
            std::to_string(2000 + m) + ")\"},";
  logs.pop_back();
  return R"({"alerts":[{"service":"reports","error":"statement timeout","timestamp":"2026-11-24T06:00:00Z"}],
             "deploys":[)" + deploys + R"(],"logs":[)" + logs + "]}";
}

TEST(IncidentBundle, ADeployBeforeTheLogsBeginDoesNotEndTheBaseline) {
  // The web deploy at 04:55 predates every log line; the reports deploy at 05:48 has an hour of
  // lines before it, so the errors after it are new against them.
  auto pack = LoadIncidentBundle(
      Bundle(R"({"service":"web","version":"88","finished_at":"2026-11-24T04:55:00Z"},
                {"service":"reports","version":"4.2.0","finished_at":"2026-11-24T05:48:00Z"})"),
      kNow);
  ASSERT_TRUE(pack) << pack.error().ToString();
  const auto* errors = Find(*pack, "canceling statement");
  const auto* steady = Find(*pack, "rendered report");
  ASSERT_NE(errors, nullptr);
  ASSERT_NE(steady, nullptr);
  EXPECT_TRUE(errors->baseline_known);
  EXPECT_TRUE(errors->is_new);
  EXPECT_FALSE(steady->is_new);
  EXPECT_FALSE(steady->is_surging);
}

TEST(IncidentBundle, WithoutDeploysTheBaselineEndsTenMinutesBeforeTheFirstSymptom) {
  auto pack = LoadIncidentBundle(Bundle(""), kNow);
  ASSERT_TRUE(pack) << pack.error().ToString();
  const auto* errors = Find(*pack, "canceling statement");
  ASSERT_NE(errors, nullptr);
  EXPECT_TRUE(errors->baseline_known);
  EXPECT_TRUE(errors->is_new);  // first at 05:52, after the 05:50 cut
}

TEST(IncidentBundle, BadLogsNameTheField) {
  auto pack = LoadIncidentBundle(
      R"({"alerts":[{"service":"a","error":"x"}],"logs":[{"ts":"2026-11-24T05:00:00Z","message":"m"}]})", kNow);
  ASSERT_FALSE(pack);
  EXPECT_EQ(pack.error().field(), "logs[0].service");
  pack = LoadIncidentBundle(R"({"alerts":[{"service":"a","error":"x"}],"logs":{}})", kNow);
  ASSERT_FALSE(pack);
  EXPECT_EQ(pack.error().field(), "logs");
}

}  // namespace
}  // namespace quell::app
