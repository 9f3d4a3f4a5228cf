#include "engine/group_key.h"

#include <gtest/gtest.h>

namespace quell::engine {
namespace {

TEST(GroupKey, UsesConfiguredFieldsAndLabels) {
  model::NormalizedAlert a;
  a.service = "api";
  a.environment = "prod";
  a.labels["team"] = "payments";
  EXPECT_EQ(GroupKey(a, {"service", "environment"}), "service=api|environment=prod");
  EXPECT_EQ(GroupKey(a, {"team"}), "team=payments");
  EXPECT_EQ(GroupKey(a, {"labels.team", "cluster"}), "labels.team=payments|cluster=");
}

}  // namespace
}  // namespace quell::engine
