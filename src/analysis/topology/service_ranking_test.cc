#include "analysis/topology/service_ranking.h"

#include <gtest/gtest.h>

namespace quell::analysis::topology {
namespace {

using Deps = std::map<std::string, std::set<std::string>>;

TEST(ServiceRanking, DependencyOutageVisibleOnlyInCallers) {
  model::Topology topology(Deps{{"api", {"redis"}}, {"checkout", {"api"}}});
  std::vector<ServiceSignals> signals = {
      {"api", 3, 900, 1, 1000, {"Redis timeout after 4200ms", "HTTP 500 on /cart"}},
      {"checkout", 2, 400, 0, 1100, {"upstream api returned 502"}},
  };
  auto ranked = RankServices(signals, topology);
  ASSERT_GE(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].service, "redis");
  EXPECT_DOUBLE_EQ(ranked[0].score, 1.0);
  EXPECT_FALSE(ranked[0].reasons.empty());
  EXPECT_NE(ranked[0].reasons[0].find("naming redis"), std::string::npos);
}

TEST(ServiceRanking, FailingDependencyBeatsNoisyCaller) {
  model::Topology topology(Deps{{"web", {"db"}}});
  std::vector<ServiceSignals> signals = {
      {"web", 5, 10000, 0, 2000, {"query failed"}},
      {"db", 1, 10, 0, 1000, {"too many connections"}},
  };
  auto ranked = RankServices(signals, topology);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].service, "db");
}

TEST(ServiceRanking, UnrelatedServicesKeepTheirOwnScores) {
  std::vector<ServiceSignals> signals = {
      {"billing", 1, 0, 0, 0, {"disk full"}},
      {"search", 3, 50, 0, 0, {"index lag"}},
  };
  auto ranked = RankServices(signals, model::Topology());
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].service, "search");
  EXPECT_LT(ranked[1].score, ranked[0].score);
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
