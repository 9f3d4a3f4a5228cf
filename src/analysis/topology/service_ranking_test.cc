#include "analysis/topology/service_ranking.h"

#include <gtest/gtest.h>

namespace quell::analysis::topology {
namespace {

using Deps = std::map<std::string, std::set<std::string>>;

ServiceSignals Signals(std::string service, double strength, TimeMs first_at,
                       std::vector<std::string> texts = {}, double intrinsic = 0) {
  ServiceSignals s;
  s.service = std::move(service);
  s.strength = strength;
  s.intrinsic = intrinsic;
  s.first_at = first_at;
  s.alerts = 1;
  s.texts = std::move(texts);
  return s;
}

bool HasSignal(const model::Suspect& s, const std::string& kind, const std::string& subject) {
  for (const auto& sig : s.signals)
    if (sig.kind == kind && sig.subject == subject) return true;
  return false;
}

TEST(ServiceRanking, DependencyOutageVisibleOnlyInCallersIsNamedInTheirErrors) {
  RankingInput in;
  in.topology = model::Topology(Deps{{"api", {"redis"}}, {"checkout", {"api"}}});
  in.services = {Signals("api", 1.0, 1000, {"Redis timeout after 4200ms"}),
                 Signals("checkout", 0.8, 1100, {"upstream api returned 502"})};
  auto ranked = RankServices(in, AnalystOptions{});
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].service, "redis");
  EXPECT_DOUBLE_EQ(ranked[0].score, 1.0);
  EXPECT_TRUE(HasSignal(ranked[0], "inherited", "api"));
  ASSERT_FALSE(ranked[0].reasons.empty());
  EXPECT_NE(ranked[0].reasons[0].find("naming redis"), std::string::npos);
  // The chain hands checkout's inheritable anomaly through api to redis.
  EXPECT_TRUE(HasSignal(ranked[1], "handed_on", "redis") || HasSignal(ranked[2], "handed_on", "redis"));
}

TEST(ServiceRanking, AnomalousDependencyThatStartedFirstIsTheOrigin) {
  RankingInput in;
  in.topology = model::Topology(Deps{{"web", {"db"}}});
  in.services = {Signals("web", 3.0, 2 * kMinuteMs), Signals("db", 0.6, 0 * kMinuteMs + 1)};
  auto ranked = RankServices(in, AnalystOptions{});
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].service, "db");
}

TEST(ServiceRanking, DependencyThatStartedLongAfterTheCallerIsNotItsCause) {
  RankingInput in;
  in.topology = model::Topology(Deps{{"web", {"db"}}});
  in.services = {Signals("web", 1.0, kMinuteMs), Signals("db", 0.6, 20 * kMinuteMs)};
  auto ranked = RankServices(in, AnalystOptions{});
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].service, "web");
  EXPECT_FALSE(HasSignal(ranked[1], "inherited", "web"));
}

TEST(ServiceRanking, ACallerBlamingItsUpstreamIsExplainedByADependencyWhoseAlertFiredLater) {
  // A proxy's error logs start at once; the dependency's latency alert waits for its rule.
  RankingInput in;
  in.topology = model::Topology(Deps{{"frontend", {"catalog"}}});
  in.services = {Signals("frontend", 1.3, 1, {"GET /products/<*> 504 UT upstream request timeout"}),
                 Signals("catalog", 0.55, 3 * kMinuteMs)};
  auto ranked = RankServices(in, AnalystOptions{});
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].service, "catalog");
  EXPECT_TRUE(HasSignal(ranked[0], "inherited", "frontend"));
  // The same caller with an error of its own keeps it: the dependency started too late.
  in.services[0].texts = {"NullPointerException in ProductHandler"};
  ranked = RankServices(in, AnalystOptions{});
  EXPECT_EQ(ranked[0].service, "frontend");
}

TEST(ServiceRanking, ResourceSaturationIsNotHandedOn) {
  RankingInput in;
  in.topology = model::Topology(Deps{{"api", {"db"}}});
  // api is saturated on its own (all of its strength intrinsic); db is slightly anomalous.
  in.services = {Signals("api", 1.0, kMinuteMs, {}, 1.0), Signals("db", 0.3, kMinuteMs)};
  auto ranked = RankServices(in, AnalystOptions{});
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].service, "api");
  EXPECT_FALSE(HasSignal(ranked[0], "handed_on", "db"));
}

TEST(ServiceRanking, QuietDependencyDeployedBeforeTheFailureInheritsWithLessWeight) {
  RankingInput in;
  in.topology = model::Topology(Deps{{"cart", {"inventory", "pricing"}}});
  in.services = {Signals("cart", 1.0, 10 * kMinuteMs)};
  in.deployed = {{"pricing", 5 * kMinuteMs}};
  AnalystOptions options;
  auto ranked = RankServices(in, options);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].service, "pricing");
  // With no weight for quiet deployed dependencies, cart keeps its anomaly.
  options.changed_dependency_weight = 0;
  ranked = RankServices(in, options);
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_EQ(ranked[0].service, "cart");
}

TEST(ServiceRanking, ADependencyDeployedBeforeTheCallerFailedStaysASuspectThoughItsAlertCameLate) {
  // checkout fails at minute 10; currency, deployed at minute 8, alerts only at minute 11.
  RankingInput in;
  in.topology = model::Topology(Deps{{"checkout", {"currency", "email"}}});
  in.services = {Signals("checkout", 1.0, 10 * kMinuteMs), Signals("currency", 0.5, 11 * kMinuteMs)};
  in.deployed = {{"currency", 8 * kMinuteMs}};
  auto ranked = RankServices(in, AnalystOptions{});
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_TRUE(HasSignal(ranked[0].service == "currency" ? ranked[0] : ranked[1], "inherited", "checkout"));
  // Not deployed, the late dependency explains nothing.
  in.deployed.clear();
  ranked = RankServices(in, AnalystOptions{});
  EXPECT_FALSE(HasSignal(ranked[0].service == "currency" ? ranked[0] : ranked[1], "inherited", "checkout"));
}

TEST(ServiceRanking, ACallerNamedInADependencysTextIsNotBlamed) {
  RankingInput in;
  in.topology = model::Topology(Deps{{"frontend", {"cart"}}});
  in.services = {Signals("cart", 1.0, kMinuteMs, {"request from frontend failed"})};
  auto ranked = RankServices(in, AnalystOptions{});
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_EQ(ranked[0].service, "cart");
}

TEST(ServiceRanking, UnrelatedServicesKeepTheirOwnScores) {
  RankingInput in;
  in.services = {Signals("billing", 0.3, 0, {"disk full"}), Signals("search", 0.9, 0)};
  auto ranked = RankServices(in, AnalystOptions{});
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].service, "search");
  EXPECT_NEAR(ranked[1].score, 0.3 / 0.9, 1e-9);
}

TEST(ServiceRanking, NamedDependenciesAreWholeWords) {
  EXPECT_EQ(NamedDependencies("Redis timeout", {}), std::vector<std::string>{"redis"});
  EXPECT_TRUE(NamedDependencies("redistribute the load", {}).empty());
  EXPECT_EQ(NamedDependencies("cannot reach payments-db: refused", {"payments-db"}),
            std::vector<std::string>{"payments-db"});
  EXPECT_EQ(NamedDependencies("PostgreSQL: too many clients", {}),
            std::vector<std::string>{"postgres"});
}

}  // namespace
}  // namespace quell::analysis::topology
