#include "model/json_codec.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace quell::model {
namespace {

TEST(AnalysisJson, RoundTripsThePublicShape) {
  Analysis a;
  a.root_cause = "Possible Redis connection pool exhaustion after deployment #441";
  a.severity = Severity::kHigh;
  a.impact = "Checkout API latency increased significantly";
  a.recommended_actions = {"Rollback deployment #441", "Inspect slow Redis queries"};
  a.confidence = 0.8234;
  a.deploy_suspects = {{"441", "api-gateway", 0.9, {"deployed 8 min before"}, {}, ""}};
  a.service_suspects = {{"", "redis", 1.0, {"api reports errors naming redis"}, {}, ""}};
  a.evidence = {{"alert", "5e1f", "Redis timeout, latency 4200"}};
  a.analyzer = "builtin";
  auto json = AnalysisToJson(a);
  EXPECT_EQ(json.at("confidence").as_double(), 0.82);
  EXPECT_EQ(json.at("severity"), "high");
  EXPECT_EQ(json.at("suspects").at("deploys").at(0).at("id"), "441");
  auto back = AnalysisFromJson(json);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->root_cause, a.root_cause);
  EXPECT_EQ(back->recommended_actions, a.recommended_actions);
  EXPECT_EQ(back->service_suspects[0].service, "redis");
  EXPECT_EQ(back->evidence[0].detail, "Redis timeout, latency 4200");
}

TEST(AnalysisJson, ValidationNamesTheField) {
  auto check = [](const char* text, const char* field) {
    auto parsed = AnalysisFromJson(boost::json::parse(text));
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().field(), field) << text;
  };
  check(R"({"severity":"high","impact":"x","recommended_actions":[],"confidence":0.5})",
        "root_cause");
  check(R"({"root_cause":"x","severity":"apocalyptic","impact":"x","recommended_actions":[],"confidence":0.5})",
        "severity");
  check(R"({"root_cause":"x","severity":"high","impact":"x","recommended_actions":[1],"confidence":0.5})",
        "recommended_actions[0]");
  check(R"({"root_cause":"x","severity":"high","impact":"x","recommended_actions":[],"confidence":7})",
        "confidence");
  check("[]", "body");
}

}  // namespace
}  // namespace quell::model
