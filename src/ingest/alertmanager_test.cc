#include "ingest/alertmanager.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../tests/golden_files.h"
#include "model/fingerprint.h"
#include "model/json_codec.h"

namespace quell::ingest {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

fs::path TestData() {
  const char* root = std::getenv("QUELL_SOURCE_DIR");
  return fs::path(root ? root : ".") / "tests" / "testdata" / "alertmanager";
}

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(AlertmanagerFingerprint, MatchesEveryCapturedFingerprint) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(TestData())) {
    if (entry.path().extension() != ".json" ||
        entry.path().string().find(".expected.") != std::string::npos)
      continue;
    json::value payload = json::parse(Read(entry.path()));
    for (const auto& alert : payload.at("alerts").as_array()) {
      model::Labels labels;
      for (const auto& [k, v] : alert.at("labels").as_object())
        labels[std::string(k)] = std::string(v.as_string());
      EXPECT_EQ(model::AlertmanagerFingerprint(labels), alert.at("fingerprint").as_string())
          << entry.path();
      ++checked;
    }
  }
  EXPECT_GE(checked, 11);
}

// payload in -> normalised alerts out, compared with reviewed golden files.
TEST(AlertmanagerWebhook, GoldenFiles) {
  EXPECT_EQ(CompareGoldenDir("alertmanager", ParseAlertmanagerWebhook), 5);
}

TEST(AlertmanagerWebhook, MapsStatusTimesAndContext) {
  auto parsed = ParseAlertmanagerWebhook(Read(TestData() / "04-checkout-partly-resolved.json"));
  ASSERT_TRUE(parsed);
  const auto& alerts = parsed->alerts;
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[0].status, model::AlertStatus::kResolved);
  EXPECT_NE(alerts[0].ends_at, 0);
  EXPECT_EQ(alerts[1].status, model::AlertStatus::kFiring);
  EXPECT_EQ(alerts[1].ends_at, 0);  // 0001-01-01T00:00:00Z means no end
  EXPECT_EQ(alerts[1].service, "checkout");
  EXPECT_EQ(alerts[1].environment, "prod");
  EXPECT_EQ(alerts[1].name, "HighErrorRate");
  EXPECT_EQ(alerts[1].severity, model::Severity::kCritical);
  EXPECT_EQ(alerts[1].message, "High 5xx rate on checkout (checkout-2:8080)");
  EXPECT_EQ(alerts[1].fingerprint, "745b3c0bf7c553e3");
  EXPECT_EQ(alerts[1].annotations.at("runbook_url"),
            "https://runbooks.example.com/checkout/high-error-rate");
  auto raw = json::parse(alerts[1].raw_json);
  EXPECT_EQ(raw.at("groupKey"), "{}:{alertname=\"HighErrorRate\", service=\"checkout\"}");
  EXPECT_NE(raw.at("generatorURL").as_string().find("prometheus:9090"), std::string::npos);
}

TEST(AlertmanagerWebhook, RejectsWhatDoesNotMatchNamingTheField) {
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {
      {R"({"version":"3","alerts":[]})", "version"},
      {R"({"version":"4"})", "alerts"},
      {R"({"version":"4","alerts":{}})", "alerts"},
      {R"({"version":"4","alerts":[{"status":"firing"}]})", "alerts[0].labels"},
      {R"({"version":"4","alerts":[{"status":"firing","labels":{}}]})", "alerts[0].labels"},
      {R"({"version":"4","alerts":[{"status":"odd","labels":{"a":"b"}}]})", "alerts[0].status"},
      {R"({"version":"4","alerts":[{"status":"firing","labels":{"a":"b"},"startsAt":"noon"}]})",
       "alerts[0].startsAt"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseAlertmanagerWebhook(c.body);
    Status error = !parsed ? parsed.error()
                           : (parsed->item_errors.empty() ? Status::Ok() : parsed->item_errors[0]);
    EXPECT_EQ(error.field(), c.field) << c.body << " -> " << error.ToString();
  }
}

TEST(AlertmanagerV2, ResolvedIffEndsAtInThePast) {
  const TimeMs now = 1795497422000;  // 2026-11-24T05:17:02Z
  auto parsed = ParseAlertmanagerV2Alerts(R"([
    {"labels":{"alertname":"A","service":"api"},"startsAt":"2026-11-24T05:00:00Z",
     "endsAt":"2026-11-24T05:10:00Z"},
    {"labels":{"alertname":"B","service":"api"},"startsAt":"2026-11-24T05:00:00Z",
     "endsAt":"2026-11-24T05:30:00Z","generatorURL":"http://prom/graph"},
    {"labels":{"alertname":"C","service":"api"}}])",
                                          now);
  ASSERT_TRUE(parsed);
  ASSERT_TRUE(parsed->item_errors.empty());
  EXPECT_EQ(parsed->alerts[0].status, model::AlertStatus::kResolved);
  EXPECT_EQ(parsed->alerts[1].status, model::AlertStatus::kFiring);
  EXPECT_EQ(parsed->alerts[2].status, model::AlertStatus::kFiring);
  EXPECT_EQ(parsed->alerts[0].source, "prometheus");
  EXPECT_EQ(parsed->alerts[0].fingerprint,
            model::AlertmanagerFingerprint({{"alertname", "A"}, {"service", "api"}}));
}

TEST(AlertmanagerV2, RejectsBadItems) {
  auto parsed = ParseAlertmanagerV2Alerts(R"({"labels":{}})", 0);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().field(), "body");
  parsed = ParseAlertmanagerV2Alerts(
      R"([{"labels":{"a":"b"},"startsAt":"2026-11-24T05:00:00Z","endsAt":"2026-11-24T04:00:00Z"}])",
      0);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->item_errors.size(), 1u);
  EXPECT_EQ(parsed->item_errors[0].field(), "[0].endsAt");
}

}  // namespace
}  // namespace quell::ingest
