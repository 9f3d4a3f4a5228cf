#include "ingest/generic_alert.h"

#include <gtest/gtest.h>

#include "model/fingerprint.h"

namespace quell::ingest {
namespace {

TEST(GenericAlert, ParsesTheSeedExample) {
  auto out = ParseGenericAlerts(
      R"({"service":"api-gateway","error":"Redis timeout","latency":4200,"deploy":"441"})");
  ASSERT_TRUE(out) << out.error().ToString();
  ASSERT_TRUE(out->item_errors.empty());
  ASSERT_EQ(out->alerts.size(), 1u);
  const auto& a = out->alerts[0];
  EXPECT_EQ(a.service, "api-gateway");
  EXPECT_EQ(a.message, "Redis timeout");
  EXPECT_EQ(a.metrics.at("latency"), 4200);
  EXPECT_EQ(a.deploy, "441");
  EXPECT_EQ(a.status, model::AlertStatus::kFiring);
  EXPECT_EQ(a.fingerprint, model::GenericFingerprint(a));
  EXPECT_NE(a.raw_json.find("\"latency\":4200"), std::string::npos);
}

TEST(GenericAlert, ReadsEveryField) {
  auto out = ParseGenericAlerts(R"({
    "service": "checkout", "title": "HighLatency", "message": "p99 high", "severity": "critical",
    "status": "resolved", "environment": "prod", "labels": {"team": "payments", "empty": ""},
    "metrics": {"p99_ms": 912.5}, "deploy": 441, "timestamp": "2026-11-24T05:12:02.793Z",
    "fingerprint": "abc", "extra": {"kept": true}})");
  ASSERT_TRUE(out) << out.error().ToString();
  ASSERT_TRUE(out->item_errors.empty()) << out->item_errors[0].ToString();
  const auto& a = out->alerts[0];
  EXPECT_EQ(a.name, "HighLatency");
  EXPECT_EQ(a.message, "p99 high");
  EXPECT_EQ(a.severity, model::Severity::kCritical);
  EXPECT_EQ(a.status, model::AlertStatus::kResolved);
  EXPECT_EQ(a.environment, "prod");
  EXPECT_EQ(a.labels.size(), 1u);  // empty label values are dropped
  EXPECT_EQ(a.metrics.at("p99_ms"), 912.5);
  EXPECT_EQ(a.deploy, "441");
  EXPECT_EQ(a.ends_at, 1795497122793);  // a resolved alert's timestamp is its end
  EXPECT_EQ(a.fingerprint, "abc");
  EXPECT_NE(a.raw_json.find("\"extra\""), std::string::npos);
}

TEST(GenericAlert, EpochSecondsAndMilliseconds) {
  auto s = ParseGenericAlerts(R"({"service":"a","error":"x","timestamp":1795497122})");
  auto ms = ParseGenericAlerts(R"({"service":"a","error":"x","timestamp":1795497122793})");
  ASSERT_TRUE(s && ms);
  EXPECT_EQ(s->alerts[0].starts_at, 1795497122000);
  EXPECT_EQ(ms->alerts[0].starts_at, 1795497122793);
}

struct BadCase {
  const char* body;
  const char* field;
};

class GenericAlertBadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(GenericAlertBadInput, NamesTheField) {
  auto out = ParseGenericAlerts(GetParam().body);
  Status error = !out ? out.error()
                      : (out->item_errors.empty() ? Status::Ok() : out->item_errors[0]);
  ASSERT_FALSE(error.ok()) << GetParam().body;
  EXPECT_EQ(error.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(error.field(), GetParam().field) << error.ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, GenericAlertBadInput,
    ::testing::Values(BadCase{"", "body"}, BadCase{"   ", "body"}, BadCase{"{", "body"},
                      BadCase{"[]", "body"}, BadCase{"42", "body"},
                      BadCase{R"({"error":"x"})", "service"},
                      BadCase{R"({"service":"","error":"x"})", "service"},
                      BadCase{R"({"service":7,"error":"x"})", "service"},
                      BadCase{R"({"service":"a"})", "error"},
                      BadCase{R"({"service":"a","error":5})", "error"},
                      BadCase{R"({"service":"a","error":"x","severity":"apocalyptic"})", "severity"},
                      BadCase{R"({"service":"a","error":"x","status":"maybe"})", "status"},
                      BadCase{R"({"service":"a","error":"x","labels":{"k":1}})", "labels.k"},
                      BadCase{R"({"service":"a","error":"x","labels":[]})", "labels"},
                      BadCase{R"({"service":"a","error":"x","metrics":{"m":"fast"}})", "metrics.m"},
                      BadCase{R"({"service":"a","error":"x","timestamp":"yesterday"})", "timestamp"},
                      BadCase{R"({"service":"a","error":"x","fingerprint":""})", "fingerprint"},
                      BadCase{R"([{"service":"a","error":"x"},{"error":"y"}])", "alerts[1].service"},
                      BadCase{R"([{"service":"a","error":"x"}, 3])", "alerts[1]"}),
    [](const ::testing::TestParamInfo<BadCase>& param) { return std::to_string(param.index); });

// Epochs out of range and dates that do not exist are 400s naming the field and saying why,
// never a float-to-integer cast out of range (undefined behaviour; the sanitizer build traps it).
TEST(GenericAlert, OutOfRangeEpochsAndImpossibleDatesNameTheField) {
  struct Case {
    const char* timestamp;
    const char* why;
  };
  for (const Case& c : {Case{"-1e19", "outside the years 0000 to 9999"},
                        Case{"1e300", "outside the years 0000 to 9999"},
                        Case{"-1e300", "outside the years 0000 to 9999"},
                        Case{"18446744073709551615", "outside the years 0000 to 9999"},
                        Case{"-9223372036854775808", "outside the years 0000 to 9999"},
                        Case{"-1e11", "outside the years 0000 to 9999"},
                        Case{R"("2026-02-31T00:00:00Z")", "2026-02 has no day 31"},
                        Case{R"("2026-13-01T00:00:00Z")", "there is no month 13"},
                        Case{R"("2026-01-01T24:61:00Z")", "there is no hour 24"},
                        Case{R"("2026-01-01T23:61:00Z")", "there is no minute 61"}}) {
    const std::string body =
        std::string(R"({"service":"a","error":"x","timestamp":)") + c.timestamp + "}";
    auto out = ParseGenericAlerts(body);
    Status error = !out ? out.error()
                        : (out->item_errors.empty() ? Status::Ok() : out->item_errors[0]);
    ASSERT_FALSE(error.ok()) << body;
    EXPECT_EQ(error.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(error.field(), "timestamp") << error.ToString();
    EXPECT_NE(error.message().find(c.why), std::string::npos) << body << ": " << error.ToString();
  }
  // The edges of the range are fine.
  for (const char* timestamp : {"253402300799999", R"("9999-12-31T23:59:59.999Z")",
                                R"("2024-02-29T00:00:00Z")", "-62167219200000"}) {
    auto out = ParseGenericAlerts(std::string(R"({"service":"a","error":"x","timestamp":)") +
                                  timestamp + "}");
    ASSERT_TRUE(out) << timestamp;
    EXPECT_TRUE(out->item_errors.empty()) << timestamp << ": " << out->item_errors[0].ToString();
  }
}

TEST(GenericAlert, RejectsInvalidUtf8) {
  std::string body = "{\"service\":\"a\",\"error\":\"bad \xff\xfe\"}";
  auto out = ParseGenericAlerts(body);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().field(), "body");
}

// Found by fuzz/generic_alert_fuzz: 1e999 parsed as infinity, kept as a metric and in raw_json,
// and came back out of the API as `Infinity`, which is not JSON.
TEST(GenericAlert, RejectsNumbersTooLargeForADouble) {
  for (const char* body : {R"({"service":"a","error":"x","latency":1e999})",
                           R"({"service":"a","error":"x","metrics":{"p99":-1e400}})",
                           R"({"service":"a","error":"x","extra":{"deep":[1,2,1e999]}})"}) {
    auto out = ParseGenericAlerts(body);
    ASSERT_FALSE(out) << body;
    EXPECT_NE(out.error().message().find("out of range"), std::string::npos) << body;
  }
  auto out = ParseGenericAlerts(R"([{"service":"a","error":"x","extra":{"deep":[1,2,1e999]}}])");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().field(), "[0].extra.deep[2]");
  auto big = ParseGenericAlerts(R"({"service":"a","error":"x","latency":1.7e308})");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->alerts[0].metrics.at("latency"), 1.7e308);
}

TEST(GenericAlert, RejectsAbsurdNesting) {
  std::string body = R"({"service":"a","error":"x","extra":)" + std::string(10000, '[') +
                     std::string(10000, ']') + "}";
  auto out = ParseGenericAlerts(body);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message().find("deeper"), std::string::npos);
}

TEST(GenericAlert, BatchReportsEveryInvalidItem) {
  auto out = ParseGenericAlerts(R"([{"service":"a","error":"x"},{"error":"y"},{"service":"b"}])");
  ASSERT_TRUE(out);
  ASSERT_EQ(out->item_errors.size(), 2u);
  EXPECT_EQ(out->item_errors[0].field(), "alerts[1].service");
  EXPECT_EQ(out->item_errors[1].field(), "alerts[2].error");
}

}  // namespace
}  // namespace quell::ingest
