#include "model/topology.h"

#include <gtest/gtest.h>

namespace quell::model {
namespace {

TEST(Topology, EdgesBothWays) {
  Topology t(std::map<std::string, std::set<std::string>>{{"api", {"redis", "postgres"}},
                                                      {"checkout", {"api"}}});
  EXPECT_EQ(t.DependenciesOf("api"), (std::vector<std::string>{"postgres", "redis"}));
  EXPECT_EQ(t.DependentsOf("redis"), std::vector<std::string>{"api"});
  EXPECT_EQ(t.NeighboursOf("api"), (std::vector<std::string>{"checkout", "postgres", "redis"}));
  EXPECT_TRUE(t.NeighboursOf("unknown").empty());
  EXPECT_FALSE(t.empty());
  EXPECT_TRUE(Topology().empty());
}

}  // namespace
}  // namespace quell::model
