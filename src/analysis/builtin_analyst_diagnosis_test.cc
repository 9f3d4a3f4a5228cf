// How the analyst reports the knowledge-base diagnosis: which rule, how specific, and how a
// diagnosis on generic words only is worded and bounded.
#include "analysis/builtin_analyst.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace quell::analysis {
namespace {

constexpr TimeMs kT = 1'800'000'000'000;

// One alert on "orders" per message, all carrying `metrics`.
model::Analysis Analyze(const std::vector<std::string>& messages, model::Metrics metrics = {}) {
  EvidencePack pack;
  pack.now = kT + kMinuteMs;
  pack.incident.id = 1;
  pack.incident.opened_at = kT;
  pack.incident.services = {"orders"};
  for (const auto& message : messages) {
    model::Alert a;
    a.data.service = "orders";
    a.data.message = message;
    a.data.metrics = metrics;
    a.data.fingerprint = message;
    a.first_seen = a.last_seen = kT;
    a.count = 1;
    pack.alerts.push_back(std::move(a));
  }
  auto result = BuiltinAnalyst().Analyze(pack);
  EXPECT_TRUE(result) << messages[0];
  return result ? *result : model::Analysis{};
}

// The "knowledge" evidence line that states the diagnosis' specificity, or "".
std::string SpecificityLine(const model::Analysis& analysis) {
  for (const auto& e : analysis.evidence)
    if (e.kind == "knowledge" && e.detail.find("specificity") != std::string::npos) return e.detail;
  return "";
}

TEST(BuiltinAnalystDiagnosis, GenericWordsOnlyGiveAHedgedLowConfidenceDiagnosis) {
  auto analysis = Analyze({"request timeout"}, {{"latency", 1500}});
  EXPECT_EQ(DiagnosedRule(analysis), "timeout");
  EXPECT_EQ(analysis.root_cause.rfind("Possibly", 0), 0u) << analysis.root_cause;
  EXPECT_LE(analysis.confidence, kGenericConfidence);
  EXPECT_NE(SpecificityLine(analysis).find("generic diagnosis, specificity 0.30"),
            std::string::npos)
      << SpecificityLine(analysis);
}

TEST(BuiltinAnalystDiagnosis, SpecificEvidenceIsNeitherHedgedNorCapped) {
  auto analysis =
      Analyze({"ERROR: canceling statement due to statement timeout"}, {{"latency", 30000}});
  EXPECT_EQ(DiagnosedRule(analysis), "slow_queries");
  EXPECT_EQ(analysis.root_cause.find("Possibly"), std::string::npos) << analysis.root_cause;
  EXPECT_GT(analysis.confidence, kGenericConfidence);
  EXPECT_NE(SpecificityLine(analysis).find("specific diagnosis, specificity 0.95"),
            std::string::npos)
      << SpecificityLine(analysis);
}

// The cause is the diagnosis; the crash loop it explains still sets how severe the incident is.
TEST(BuiltinAnalystDiagnosis, ACauseWinsButItsSymptomKeepsTheSeverity) {
  auto analysis = Analyze({"Back-off restarting failed container orders",
                           "failed to load config: missing required environment variable SMTP_HOST"},
                          {{"restarts", 6}});
  EXPECT_EQ(DiagnosedRule(analysis), "bad_configuration");
  EXPECT_EQ(analysis.severity, model::Severity::kCritical);
}

TEST(BuiltinAnalystDiagnosis, NoMatchingRuleMeansNoDiagnosedRule) {
  auto analysis = Analyze({"Disk usage above 80% on /exports"}, {{"disk_used_percent", 84}});
  EXPECT_EQ(DiagnosedRule(analysis), "");
  EXPECT_EQ(SpecificityLine(analysis), "");
}

}  // namespace
}  // namespace quell::analysis
