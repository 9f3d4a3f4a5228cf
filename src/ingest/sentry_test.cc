#include "ingest/sentry.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "ingest/golden_test_util.h"

namespace quell::ingest {
namespace {

// "01-event_alert-python-chain.json" -> "event_alert"; "plugin" -> no header.
std::string HookResourceFromName(const std::string& name) {
  size_t first = name.find('-'), second = name.find('-', first + 1);
  std::string resource = name.substr(first + 1, second - first - 1);
  return resource == "plugin" ? "" : resource;
}

AdapterResult ParseFixture(const std::string& name) {
  return ParseSentryWebhook(ReadTestData("sentry/" + name), HookResourceFromName(name));
}

TEST(SentryWebhook, GoldenFiles) {
  EXPECT_EQ(CompareGoldenDir("sentry",
                             [](const std::string& body, const std::string& name) {
                               return ParseSentryWebhook(body, HookResourceFromName(name));
                             }),
            3);
}

TEST(SentryWebhook, EventAlertMapsProjectExceptionAndStack) {
  auto parsed = ParseFixture("01-event_alert-python-chain.json");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const auto& a = parsed->alerts[0];
  EXPECT_EQ(a.source, "sentry");
  EXPECT_EQ(a.service, "checkout-api");
  EXPECT_EQ(a.fingerprint, "sentry-issue-4398211771");
  EXPECT_EQ(a.message, "OperationalError: could not obtain connection from pool within 30s");
  EXPECT_EQ(a.severity, model::Severity::kHigh);
  EXPECT_EQ(a.environment, "production");
  EXPECT_EQ(a.deploy, "checkout-api@2026.11.24-441");
  EXPECT_EQ(a.labels.at("exception_type"), "OperationalError");
  EXPECT_EQ(a.annotations.at("triggered_rule"), "Page on new errors in checkout");
  auto frames = boost::json::parse(a.annotations.at("stacktrace")).as_array();
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0].at("function"), "session");  // innermost first
  EXPECT_EQ(frames[0].at("in_app"), true);
}

TEST(SentryWebhook, IssueResolvedResolvesTheSameAlert) {
  auto fired = ParseFixture("01-event_alert-python-chain.json");
  auto resolved = ParseFixture("02-issue-resolved.json");
  ASSERT_TRUE(fired && resolved);
  EXPECT_EQ(resolved->alerts[0].status, model::AlertStatus::kResolved);
  EXPECT_EQ(resolved->alerts[0].fingerprint, fired->alerts[0].fingerprint);
  EXPECT_EQ(resolved->alerts[0].service, "checkout-api");
}

TEST(SentryWebhook, LegacyPluginPayload) {
  auto parsed = ParseFixture("03-plugin-java.json");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const auto& a = parsed->alerts[0];
  EXPECT_EQ(a.service, "billing-service");
  EXPECT_EQ(a.severity, model::Severity::kCritical);
  EXPECT_EQ(a.message, "java.lang.OutOfMemoryError: Java heap space");
  EXPECT_EQ(a.fingerprint, "sentry-issue-27379932");
}

TEST(SentryWebhook, RejectsNamingTheField) {
  struct Case {
    const char* body;
    const char* resource;
    const char* field;
  } cases[] = {
      {R"({"action":"triggered"})", "event_alert", "data"},
      {R"({"data":{"event":{"title":"x"}}})", "event_alert", "data.event.issue_id"},
      {R"({"data":{"event":{"issue_id":"1","exception":{"values":{}}}}})", "event_alert",
       "data.event.exception.values"},
      {R"({"action":"exploded","data":{"issue":{"id":"1"}}})", "issue", "action"},
      {R"({"action":"resolved","data":{"issue":{}}})", "issue", "data.issue.id"},
      {R"({"message":"x"})", "", "id"},
      {R"({"id":"1"})", "metric_alert", "sentry-hook-resource"},
      {R"([1])", "", "body"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseSentryWebhook(c.body, c.resource);
    ASSERT_FALSE(parsed) << c.body;
    EXPECT_EQ(parsed.error().field(), c.field) << c.body << " -> " << parsed.error().ToString();
  }
}

}  // namespace
}  // namespace quell::ingest
