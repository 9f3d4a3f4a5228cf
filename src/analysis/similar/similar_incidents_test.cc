#include "analysis/similar/similar_incidents.h"

#include <gtest/gtest.h>

namespace quell::analysis::similar {
namespace {

IncidentFeatures Incident(int64_t id, std::string title, std::vector<std::string> services,
                          std::vector<std::string> texts, std::string note = "",
                          std::vector<std::string> stacks = {}) {
  return {id, std::move(title), std::move(services), std::move(texts), std::move(stacks),
          std::move(note)};
}

TEST(SimilarIncidents, RanksTheSameFailureFirstAndCarriesItsResolution) {
  std::vector<IncidentFeatures> past = {
      Incident(1, "api-gateway: Redis timeout", {"api-gateway", "redis"},
               {"Redis timeout after 4200ms", "connection pool exhausted"},
               "Rolled back 438; raised the Redis pool to 64"),
      Incident(2, "billing: disk full", {"billing"}, {"No space left on device"}, "Cleaned /var"),
      Incident(3, "search: index lag", {"search"}, {"consumer lag above 10000"}),
      Incident(4, "api-gateway: TLS certificate expired", {"api-gateway"},
               {"x509: certificate has expired"}),
  };
  auto target = Incident(10, "api-gateway: Redis timeout", {"api-gateway"},
                         {"Redis timeout after 5100ms"});
  auto matches = RankSimilar(target, past);
  ASSERT_FALSE(matches.empty());
  EXPECT_EQ(matches[0].incident_id, 1);
  EXPECT_EQ(matches[0].resolution_note, "Rolled back 438; raised the Redis pool to 64");
  EXPECT_GT(matches[0].score, 0.5);
  for (const auto& m : matches) EXPECT_NE(m.incident_id, 2);  // nothing in common
  ASSERT_GE(matches[0].reasons.size(), 2u);
  EXPECT_NE(matches[0].reasons[0].find("redis"), std::string::npos);
}

TEST(SimilarIncidents, StackFingerprintsCount) {
  std::vector<IncidentFeatures> past = {
      Incident(1, "worker crashed", {"worker"}, {"panic"}, "", {"abc"}),
      Incident(2, "worker crashed", {"worker"}, {"panic"}, "", {"def"}),
  };
  auto matches = RankSimilar(Incident(9, "worker crashed", {"worker"}, {"panic"}, "", {"def"}), past);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].incident_id, 2);
}

TEST(SimilarIncidents, SkipsItselfAndHonoursLimitAndEmptyInput) {
  EXPECT_TRUE(RankSimilar(Incident(1, "x", {}, {}), {}).empty());
  std::vector<IncidentFeatures> past;
  for (int i = 0; i < 10; ++i) past.push_back(Incident(i, "redis timeout", {"api"}, {}));
  auto matches = RankSimilar(Incident(3, "redis timeout", {"api"}, {}), past, 4);
  EXPECT_EQ(matches.size(), 4u);
  for (const auto& m : matches) EXPECT_NE(m.incident_id, 3);
}

TEST(SimilarIncidents, WordsDropNumbersAndShortTokens) {
  EXPECT_EQ(Words("Redis timeout after 4200ms on host-3, a b"),
            (std::vector<std::string>{"redis", "timeout", "after", "on", "host"}));
}

}  // namespace
}  // namespace quell::analysis::similar
