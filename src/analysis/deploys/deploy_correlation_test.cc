#include "analysis/deploys/deploy_correlation.h"

#include <gtest/gtest.h>

namespace quell::analysis::deploys {
namespace {

using Deps = std::map<std::string, std::set<std::string>>;
constexpr TimeMs kT = 1'800'000'000'000;

DeployFacts Deploy(std::string id, std::string service, std::string version, TimeMs at,
                   std::vector<std::string> instances = {}, std::string status = "succeeded") {
  DeployFacts d;
  d.id = std::move(id);
  d.service = std::move(service);
  d.version = std::move(version);
  d.status = std::move(status);
  d.at = at;
  d.instances = std::move(instances);
  return d;
}

Observation Seen(std::string service, std::string instance, double strength, TimeMs at) {
  Observation o;
  o.service = std::move(service);
  o.instance = std::move(instance);
  o.strength = strength;
  o.at = at;
  return o;
}

model::Suspect Service(std::string name, double score) {
  model::Suspect s;
  s.service = std::move(name);
  s.score = score;
  return s;
}

TEST(DeployCorrelation, SinglesOutTheGuiltyOneAmongConcurrentDeploys) {
  CorrelationInput in;
  in.first_symptom_at = kT;
  in.topology = model::Topology(Deps{{"checkout", {"api"}}, {"api", {"redis"}}});
  in.deploys = {Deploy("441", "api", "441", kT - 8 * kMinuteMs),
                Deploy("90", "checkout", "90", kT - 6 * kMinuteMs),
                Deploy("12", "search", "12", kT - 5 * kMinuteMs)};  // unrelated
  in.observations = {Seen("api", "", 1.0, kT), Seen("checkout", "", 0.8, kT + kMinuteMs)};
  in.services = {Service("api", 1.0), Service("checkout", 0.3)};
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
  in.observations = {Seen("api", "", 1.0, kT)};
  in.services = {Service("api", 1.0)};
  in.deploys = {Deploy("1", "api", "1", kT + 10 * kMinuteMs),  // after the symptoms
                Deploy("2", "api", "2", kT - 3 * kHourMs)};    // outside the lookback
  EXPECT_TRUE(RankDeploys(in).empty());
}

TEST(DeployCorrelation, NewVersionInstancesFailingAndOldOnesQuietIsTheGuiltyRollout) {
  CorrelationInput in;
  in.first_symptom_at = kT;
  // Two canaries of two services go out together; both services show alerts, but only the
  // payments canary's own instance fails while its old instances are fine.
  in.deploys = {Deploy("p7", "payments", "7.0", kT - 5 * kMinuteMs, {"payments-canary"}, "in_progress"),
                Deploy("s3", "search", "3.0", kT - 4 * kMinuteMs, {"search-canary"}, "in_progress")};
  in.observations = {Seen("payments", "payments-canary", 1.0, kT),
                     Seen("search", "search-1", 0.8, kT),
                     Seen("search", "search-canary", 0.8, kT)};
  in.services = {Service("search", 1.0), Service("payments", 0.8)};
  auto ranked = RankDeploys(in);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].id, "p7");
  bool says_not_specific = false;
  for (const auto& r : ranked[1].reasons)
    says_not_specific |= r.find("not specific to this version") != std::string::npos;
  EXPECT_TRUE(says_not_specific);
}

TEST(DeployCorrelation, AlertNamingTheDeployCountsEvenWithoutARecord) {
  CorrelationInput in;
  in.first_symptom_at = kT;
  Observation o = Seen("api-gateway", "", 1.0, kT);
  o.deploy = "441";
  in.observations = {o};
  in.services = {Service("api-gateway", 1.0)};
  in.deploys = {Deploy("441", "api-gateway", "441", 0)};
  auto ranked = RankDeploys(in);
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_EQ(ranked[0].id, "441");
  bool named = false;
  for (const auto& s : ranked[0].signals) named |= s.kind == "named_by_alert";
  EXPECT_TRUE(named);
}

TEST(DeployCorrelation, UpstreamDeployCounts) {
  CorrelationInput in;
  in.first_symptom_at = kT;
  in.topology = model::Topology(Deps{{"api", {"redis"}}});
  in.observations = {Seen("api", "", 1.0, kT)};
  in.services = {Service("redis", 1.0), Service("api", 0.3)};
  in.deploys = {Deploy("r7", "redis", "7.2", kT - 5 * kMinuteMs)};
  auto ranked = RankDeploys(in);
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_EQ(ranked[0].version, "7.2");
  EXPECT_NE(ranked[0].reasons[0].find("root-cause service"), std::string::npos);
}

TEST(DeployCorrelation, DeployNameShowsTheVersionWhenItDiffersFromTheId) {
  EXPECT_EQ(DeployName("441", "441"), "#441");
  EXPECT_EQ(DeployName("441", ""), "#441");
  EXPECT_EQ(DeployName("441", "2.14.1"), "#441 (2.14.1)");
}

}  // namespace
}  // namespace quell::analysis::deploys
