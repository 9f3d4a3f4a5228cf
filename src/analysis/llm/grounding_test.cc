// Grounding of a model's answer: suspects and free text may name only what the evidence names.
#include "analysis/llm/grounding.h"

#include <gtest/gtest.h>

namespace quell::analysis::llm {
namespace {

EvidencePack Pack() {
  EvidencePack pack;
  pack.incident.id = 7;
  pack.incident.services = {"api-gateway"};
  model::Alert a;
  a.data.service = "api-gateway";
  a.data.message = "Redis timeout after 4200 ms";
  a.data.deploy = "441";
  a.data.labels = {{"instance", "api-gateway-7d9f-x2b"}, {"version", "2.14.1"}};
  pack.alerts = {a};
  deploys::DeployFacts d;
  d.id = "441";
  d.service = "api-gateway";
  d.version = "2.14.1";
  d.status = "succeeded";
  pack.deploys = {d};
  pack.topology = model::Topology({{"api-gateway", {"redis", "payments-db"}}});
  return pack;
}

model::Analysis Answer(std::string root_cause, std::string summary = "", std::string impact = "",
                       std::vector<std::string> actions = {}) {
  model::Analysis a;
  a.root_cause = std::move(root_cause);
  a.summary = std::move(summary);
  a.impact = std::move(impact);
  a.recommended_actions = std::move(actions);
  return a;
}

std::string Ungrounded(const model::Analysis& a, const std::vector<std::string>& seen = {}) {
  return DescribeUngrounded(FindUngroundedNames(a, EvidenceNames(Pack(), seen)));
}

TEST(Grounding, SuspectsAbsentFromTheEvidenceAreDropped) {
  auto suspect = [](std::string id, std::string service) {
    model::Suspect s;
    s.id = std::move(id);
    s.service = std::move(service);
    return s;
  };
  model::Analysis a;
  a.deploy_suspects = {suspect("441", "api-gateway"), suspect("999", "api-gateway")};
  a.service_suspects = {suspect("", "redis"), suspect("", "mars-rover")};
  a.confidence = 1.7;
  EXPECT_EQ(GroundAnalysis(Pack(), a), 2);
  ASSERT_EQ(a.deploy_suspects.size(), 1u);
  EXPECT_EQ(a.deploy_suspects[0].id, "441");
  ASSERT_EQ(a.service_suspects.size(), 1u);
  EXPECT_EQ(a.service_suspects[0].service, "redis");
  EXPECT_EQ(a.confidence, 1.0);
}

TEST(Grounding, FreeTextNamingWhatTheEvidenceHasPasses) {
  EXPECT_EQ(Ungrounded(Answer(
                "Redis connection pool exhausted after deployment #441 (2.14.1) of API-Gateway",
                "Release v2.14.1 on pod api-gateway-7d9f-x2b; the api-gateway-7d9f replica set "
                "and payments-db are fine. Incident #7 started 5 minutes after deploy 441.",
                "Checkout p99 latency 3.5x higher for a 10-minute window; read-only traffic is "
                "fine (utf-8 decoding unaffected).",
                {"Roll back deployment #441", "Follow-up: raise the pool size (max_pool=50)",
                 "Check the upstream service and the redis host"})),
            "");
}

TEST(Grounding, MadeUpServiceHostAndDeployInEachFieldFail) {
  EXPECT_EQ(Ungrounded(Answer("The mars-rover service exhausted its pool")),
            "service 'mars-rover' (root_cause)");
  EXPECT_EQ(Ungrounded(Answer("x", "Host db-7.prod.internal ran out of disk")),
            "host 'db-7.prod.internal' (summary)");
  EXPECT_EQ(Ungrounded(Answer("x", "", "Users of paymentservice saw errors after deploy #999")),
            "service 'paymentservice' (impact); deploy '999' (impact)");
  EXPECT_EQ(Ungrounded(Answer("x", "", "", {"Roll back release 3.1.4", "Restart ip-10-0-3-7"})),
            "deploy '3.1.4' (recommended_actions); host 'ip-10-0-3-7' (recommended_actions)");
  // A made-up instance of a known service, and a pod that is not the one in the evidence.
  EXPECT_EQ(Ungrounded(Answer("redis-3 is full; api-gateway-0000-zz crashed")),
            "host 'redis-3' (root_cause); host 'api-gateway-0000-zz' (root_cause)");
}

TEST(Grounding, AReferenceTheAlertsCarryPasses) {
  // Senders number their own incidents and tickets; repeating one is not making up a deploy.
  EvidencePack pack = Pack();
  pack.alerts[0].data.message = "Google Cloud Networking Incident #17002: packet loss";
  const auto names = EvidenceNames(pack);
  EXPECT_EQ(DescribeUngrounded(FindUngroundedNames(Answer("Packet loss (incident #17002)"), names)), "");
  EXPECT_EQ(DescribeUngrounded(FindUngroundedNames(Answer("Packet loss after deploy #17003"), names)),
            "deploy '17003' (root_cause)");
}

TEST(Grounding, WhatTheModelReadInToolResultsCounts) {
  const auto a = Answer("Disk full on db-7.prod.internal");
  EXPECT_NE(Ungrounded(a), "");
  EXPECT_EQ(Ungrounded(a, {R"({"lines":[{"message":"db-7.prod.internal: no space left"}]})"}), "");
}

TEST(Grounding, DescriptionIsBounded) {
  std::vector<UngroundedName> many(7, {"host", "h-1", "summary"});
  EXPECT_EQ(DescribeUngrounded(many, 2), "host 'h-1' (summary); host 'h-1' (summary); and 5 more");
}

}  // namespace
}  // namespace quell::analysis::llm
