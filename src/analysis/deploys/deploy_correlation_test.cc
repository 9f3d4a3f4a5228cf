#include "analysis/deploys/deploy_correlation.h"

#include <gtest/gtest.h>

namespace quell::analysis::deploys {
namespace {

using Deps = std::map<std::string, std::set<std::string>>;
constexpr TimeMs kT = 1'800'000'000'000;

TEST(DeployCorrelation, SinglesOutTheGuiltyOneAmongConcurrentDeploys) {
  CorrelationInput in;
  in.first_symptom_at = kT;
  in.affected_services = {"api", "checkout"};
  in.root_service = "api";
  in.topology = model::Topology(Deps{{"checkout", {"api"}}, {"api", {"redis"}}});
  in.deploys = {
      {"441", "api", "441", "succeeded", "alice", "abc", kT - 8 * kMinuteMs},
      {"90", "checkout", "90", "succeeded", "bob", "def", kT - 6 * kMinuteMs},
      {"12", "search", "12", "succeeded", "carol", "123", kT - 5 * kMinuteMs},  // unrelated
  };
  in.new_error_templates = {{"api", kT - 7 * kMinuteMs}};
  auto ranked = RankDeploys(in);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].id, "441");
  EXPECT_GT(ranked[0].score, ranked[1].score + 0.2);
  EXPECT_GE(ranked[0].reasons.size(), 3u);
}

TEST(DeployCorrelation, InnocentDeployAfterSymptomsOrTooOldIsLeftOut) {
  CorrelationInput in;
  in.first_symptom_at = kT;
  in.affected_services = {"api"};
  in.deploys = {
      {"1", "api", "1", "succeeded", "", "", kT + 10 * kMinuteMs},  // after the symptoms
      {"2", "api", "2", "succeeded", "", "", kT - 3 * kHourMs},     // outside the lookback
  };
  EXPECT_TRUE(RankDeploys(in).empty());
}

TEST(DeployCorrelation, VersionOnFailingInstancesIsStrongEvidence) {
  CorrelationInput in;
  in.first_symptom_at = kT;
  in.affected_services = {"api"};
  in.deploys = {{"v2", "api", "2.0.0", "succeeded", "", "", kT - 60 * kMinuteMs},
                {"v3", "api", "3.0.0", "succeeded", "", "", kT - 10 * kMinuteMs}};
  in.symptom_versions = {{"api", "2.0.0"}};
  auto ranked = RankDeploys(in);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].id, "v2");
}

TEST(DeployCorrelation, UpstreamDeployCounts) {
  CorrelationInput in;
  in.first_symptom_at = kT;
  in.affected_services = {"api"};
  in.topology = model::Topology(Deps{{"api", {"redis"}}});
  in.deploys = {{"r7", "redis", "7.2", "succeeded", "", "", kT - 5 * kMinuteMs}};
  auto ranked = RankDeploys(in);
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_NE(ranked[0].reasons[1].find("dependency"), std::string::npos);
}

}  // namespace
}  // namespace quell::analysis::deploys
