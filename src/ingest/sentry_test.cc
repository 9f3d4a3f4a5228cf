#include "ingest/sentry.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "../tests/golden_files.h"

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
  EXPECT_EQ(a.message, "OutOfMemoryError: Java heap space");
  EXPECT_EQ(a.name, "OutOfMemoryError: Java heap space");
  EXPECT_EQ(a.fingerprint, "sentry-issue-27379932");
  EXPECT_EQ(a.environment, "prod");
  EXPECT_EQ(a.deploy, "billing@5.12.0");
  EXPECT_EQ(a.starts_at, 1795497300000);
  EXPECT_EQ(a.annotations.at("triggered_rule"), "Fatal errors, Page billing on-call");
  auto frames = boost::json::parse(a.annotations.at("stacktrace")).as_array();
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0].at("function"), "copyOf");
  EXPECT_EQ(frames[0].at("file"), "Arrays.java");
  EXPECT_EQ(frames[0].at("line"), 3537);
}

// A minimal issue alert: the issue id plus whatever `event_fields` add to data.event.
AdapterResult EventAlert(const std::string& event_fields) {
  return ParseSentryWebhook(
      R"({"action":"triggered","data":{"event":{"issue_id":"42")" + event_fields + "}}}",
      "event_alert");
}

TEST(SentryWebhook, EventAlertServiceFromUrlThenServiceTagThenSentry) {
  struct Case {
    std::string fields;
    std::string service;
  } cases[] = {
      {R"(,"url":"https://sentry.io/api/0/projects/acme/payments/events/abc/")", "payments"},
      {R"(,"url":"https://sentry.io/api/0/projects/acme/payments")", "payments"},
      {R"(,"web_url":"https://sentry.io/organizations/acme/projects/ledger/?issue=42")", "ledger"},
      {R"(,"web_url":"https://sentry.io/organizations/acme/issues/42/","tags":[["service","cart"]])",
       "cart"},
      {R"(,"web_url":"https://sentry.io/organizations/acme/issues/42/")", "sentry"},
      {R"(,"project_slug":"search","url":"https://sentry.io/api/0/projects/acme/other/")",
       "search"},
  };
  for (const auto& c : cases) {
    auto parsed = EventAlert(c.fields);
    ASSERT_TRUE(parsed) << c.fields << ": " << parsed.error().ToString();
    EXPECT_EQ(parsed->alerts[0].service, c.service) << c.fields;
  }
}

TEST(SentryWebhook, EventAlertFallbacks) {
  // No exception: the title is the error; environment from the tag; epoch timestamp; issue_url
  // when there is no web_url; numeric issue ids.
  auto parsed = ParseSentryWebhook(
      R"({"data":{"event":{"issue_id":42,"title":"Slow query","level":"warning",)"
      R"("timestamp":1795497249.5,"tags":[["environment","staging"],["user",null]],)"
      R"("issue_url":"https://sentry.io/api/0/issues/42/"}}})",
      "event_alert");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const auto& a = parsed->alerts[0];
  EXPECT_EQ(a.fingerprint, "sentry-issue-42");
  EXPECT_EQ(a.message, "Slow query");
  EXPECT_EQ(a.severity, model::Severity::kMedium);
  EXPECT_EQ(a.environment, "staging");
  EXPECT_EQ(a.starts_at, 1795497249500);
  EXPECT_EQ(a.annotations.at("url"), "https://sentry.io/api/0/issues/42/");
  EXPECT_EQ(a.labels.count("user"), 0u);
  EXPECT_EQ(a.annotations.count("stacktrace"), 0u);
}

TEST(SentryWebhook, StacktraceKeepsTheInnermostFrames) {
  std::string frames;
  for (int i = 1; i <= 80; ++i) {
    frames += (i > 1 ? "," : "") + std::string(R"({"function":"f)") + std::to_string(i) +
              R"(","abs_path":"/app/m.py","lineno":)" + std::to_string(i) + "}";
  }
  auto parsed = EventAlert(R"(,"exception":{"values":[{"type":"RecursionError","stacktrace":)"
                           R"({"frames":[)" +
                           frames + "]}}]}");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  auto kept = boost::json::parse(parsed->alerts[0].annotations.at("stacktrace")).as_array();
  ASSERT_EQ(kept.size(), 50u);
  EXPECT_EQ(kept[0].at("function"), "f80");
  EXPECT_EQ(kept[0].at("file"), "/app/m.py");  // abs_path when there is no filename
  EXPECT_EQ(kept[49].at("function"), "f31");
  EXPECT_FALSE(kept[0].as_object().contains("in_app"));
  EXPECT_EQ(parsed->alerts[0].message, "RecursionError");
}

// Found by fuzz/sentry_fuzz: a lineno of 4.7e87 was converted to int64 (undefined behaviour,
// reported by UBSan's float-cast-overflow); a line number out of range now names the field.
TEST(SentryWebhook, LineNumberOutOfRangeNamesTheField) {
  for (const char* lineno : {"4.7e87", "-1", "9223372036854775808", "1e10"}) {
    auto parsed = EventAlert(std::string(R"(,"exception":{"values":[{"type":"E","stacktrace":)") +
                             R"({"frames":[{"function":"f","lineno":)" + lineno + "}]}}]}");
    ASSERT_FALSE(parsed) << lineno;
    EXPECT_EQ(parsed.error().field(), "data.event.exception.values[0].stacktrace.frames[0].lineno")
        << lineno;
  }
  auto parsed = EventAlert(R"(,"exception":{"values":[{"type":"E","stacktrace":)"
                           R"({"frames":[{"function":"f","lineno":2147483647}]}}]})");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  auto kept = boost::json::parse(parsed->alerts[0].annotations.at("stacktrace")).as_array();
  EXPECT_EQ(kept[0].at("line"), 2147483647);
}

TEST(SentryWebhook, IssueActions) {
  struct Case {
    const char* action;
    model::AlertStatus status;
  } cases[] = {
      {"created", model::AlertStatus::kFiring},   {"unresolved", model::AlertStatus::kFiring},
      {"assigned", model::AlertStatus::kFiring},  {"resolved", model::AlertStatus::kResolved},
      {"ignored", model::AlertStatus::kResolved}, {"archived", model::AlertStatus::kResolved},
  };
  for (const auto& c : cases) {
    auto parsed = ParseSentryWebhook(
        std::string(R"({"action":")") + c.action +
            R"(","data":{"issue":{"id":"7","title":"t","project":{"name":"Web App"},)"
            R"("permalink":"https://sentry.io/organizations/acme/issues/7/",)"
            R"("firstSeen":"2026-11-24T05:14:09Z"}}})",
        "issue");
    ASSERT_TRUE(parsed) << c.action << ": " << parsed.error().ToString();
    const auto& a = parsed->alerts[0];
    EXPECT_EQ(a.status, c.status) << c.action;
    EXPECT_EQ(a.fingerprint, "sentry-issue-7");
    EXPECT_EQ(a.service, "Web App");  // the name when there is no slug
    EXPECT_EQ(a.annotations.at("url"), "https://sentry.io/organizations/acme/issues/7/");
    EXPECT_EQ(a.starts_at, 1795497249000);
  }
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
      {"{", "event_alert", "body"},
      {R"({"data":[]})", "event_alert", "data"},
      {R"({"data":{"event":{"issue_id":true}}})", "event_alert", "data.event.issue_id"},
      {R"({"data":{"event":{"issue_id":"1","title":7}}})", "event_alert", "data.event.title"},
      {R"({"data":{"event":{"issue_id":"1","level":["error"]}}})", "event_alert",
       "data.event.level"},
      {R"({"data":{"event":{"issue_id":"1","tags":{"a":"b"}}}})", "event_alert", "data.event.tags"},
      {R"({"data":{"event":{"issue_id":"1","tags":[["a","b"],["c"]]}}})", "event_alert",
       "data.event.tags[1]"},
      {R"({"data":{"event":{"issue_id":"1","datetime":"yesterday"}}})", "event_alert",
       "data.event.datetime"},
      {R"({"data":{"event":{"issue_id":"1","exception":{"values":[{"type":"E"},3]}}}})",
       "event_alert", "data.event.exception.values[1]"},
      {R"({"data":{"event":{"issue_id":"1","exception":{"values":[{"type":"E","stacktrace":)"
       R"({"frames":[{"lineno":1},"main"]}}]}}}})",
       "event_alert", "data.event.exception.values[0].stacktrace.frames[1]"},
      {R"({"data":{"event":{"issue_id":"1","exception":{"values":[{"type":"E","stacktrace":)"
       R"({"frames":[{"lineno":"12"}]}}]}}}})",
       "event_alert", "data.event.exception.values[0].stacktrace.frames[0].lineno"},
      {R"({"data":{"event":{"issue_id":"1","exception":{"values":[{"type":"E","stacktrace":)"
       R"({"frames":[{"in_app":"yes"}]}}]}}}})",
       "event_alert", "data.event.exception.values[0].stacktrace.frames[0].in_app"},
      {R"({"data":{"event":{"issue_id":"1"},"triggered_rule":{}}})", "event_alert",
       "data.triggered_rule"},
      {R"({"action":"resolved","data":{}})", "issue", "data.issue"},
      {R"({"action":"resolved","data":{"issue":{"id":"1","project":"web"}}})", "issue",
       "data.issue.project"},
      {R"({"action":"resolved","data":{"issue":{"id":"1","project":{"slug":5}}}})", "issue",
       "data.issue.project.slug"},
      {R"({"action":"created","data":{"issue":{"id":"1","firstSeen":false}}})", "issue",
       "data.issue.firstSeen"},
      {R"({"id":"1","event":"boom"})", "", "event"},
      {R"({"id":"1","triggering_rules":["a",2]})", "", "triggering_rules[1]"},
      {R"({"id":"1","project_slug":{"slug":"x"}})", "", "project_slug"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseSentryWebhook(c.body, c.resource);
    ASSERT_FALSE(parsed) << c.body;
    EXPECT_EQ(parsed.error().field(), c.field) << c.body << " -> " << parsed.error().ToString();
  }
}

}  // namespace
}  // namespace quell::ingest
