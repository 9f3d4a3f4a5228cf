// Maintenance windows through the real server: a weekly window created by POST /api/v1/silences
// with a schedule, listed with whether it is in force and when its window starts and ends;
// GET /api/v1/maintenance; an alert inside the window is silenced by it; DELETE ends it; bad
// schedules name the field. (Windows at fixed instants and across summer time are unit-tested
// in src/oncall/weekly_windows_test.cc and src/engine/silencing_test.cc.)
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "common/time_format.h"
#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

TimeMs WallNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A weekly UTC window starting at `start` (whole minutes) for `duration`, as JSON.
std::string WeeklyAt(TimeMs start, const std::string& duration) {
  const int64_t day = start / (24 * kHourMs);
  const int64_t minute = start % (24 * kHourMs) / kMinuteMs;
  char hhmm[16];
  std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", static_cast<int>(minute / 60),
                static_cast<int>(minute % 60));
  return std::string(R"({"time_zone":"UTC","weekly":[{"day":")") + kDays[(day + 3) % 7] +
         R"(","start":")" + hhmm + R"(","duration":")" + duration + R"("}]})";
}

std::string Id(const HttpResult& answer) {
  return std::string(json::parse(answer.body).at("id").as_string());
}

TEST(MaintenanceApiTest, AWeeklyWindowIsInForceNowAndAnotherComesNext) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string token = server.admin_token();
  const TimeMs minute = WallNow() / kMinuteMs * kMinuteMs;
  const TimeMs now_start = minute - 5 * kMinuteMs, next_start = minute + 2 * kHourMs;

  HttpResult now = server.Post(
      "/api/v1/silences",
      R"({"matchers":[{"name":"service","op":"=","value":"db"}],"comment":"db patching",)"
      R"("schedule":)" + WeeklyAt(now_start, "1h") + "}",
      token);
  ASSERT_EQ(now.status, 201) << now.body;
  json::object shown = json::parse(now.body).as_object();
  EXPECT_EQ(shown.at("state"), "active");
  EXPECT_EQ(shown.at("window").at("starts_at"), FormatRfc3339(now_start).c_str());
  EXPECT_EQ(shown.at("window").at("ends_at"), FormatRfc3339(now_start + kHourMs).c_str());
  EXPECT_TRUE(shown.at("ends_at").is_null()) << "for ever";
  EXPECT_EQ(shown.at("source"), "api");
  EXPECT_EQ(shown.at("schedule").at("weekly").at(0).at("duration"), "1h");

  HttpResult next = server.Post(
      "/api/v1/silences",
      R"({"matchers":[{"name":"service","op":"=","value":"web"}],"schedule":)" +
          WeeklyAt(next_start, "30m") + "}",
      token);
  ASSERT_EQ(next.status, 201) << next.body;
  EXPECT_EQ(json::parse(next.body).at("state"), "pending");

  HttpResult maintenance = server.Get("/api/v1/maintenance", token);
  ASSERT_EQ(maintenance.status, 200) << maintenance.body;
  json::value m = json::parse(maintenance.body);
  EXPECT_EQ(m.at("in_maintenance"), true);
  ASSERT_EQ(m.at("active").as_array().size(), 1u) << maintenance.body;
  EXPECT_EQ(m.at("active").at(0).at("id"), Id(now).c_str());
  ASSERT_EQ(m.at("upcoming").as_array().size(), 1u) << maintenance.body;
  EXPECT_EQ(m.at("upcoming").at(0).at("id"), Id(next).c_str());
  EXPECT_EQ(m.at("upcoming").at(0).at("window").at("starts_at"),
            FormatRfc3339(next_start).c_str());

  // An alert of the service in maintenance: its incident is silenced by the window.
  HttpResult sent =
      server.Post("/api/v1/alerts", R"({"service":"db","error":"replication lag"})", token);
  ASSERT_EQ(sent.status, 202) << sent.body;
  const std::string incident =
      "/api/v1/incidents/" + std::to_string(json::parse(sent.body).at("incident_id").as_int64());
  EXPECT_TRUE(WaitUntil(
      [&] {
        return json::parse(server.Get(incident, token).body).at("silenced_by") ==
               json::array{json::value(Id(now))};
      },
      milliseconds(10000)))
      << server.Get(incident, token).body;

  // Ending it: expired for good, nothing in maintenance, the incident no longer silenced.
  auto client = server.NewClient();
  auto expired = client->Delete("/api/v1/silences/" + Id(now), {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->status, 200) << expired->body;
  EXPECT_EQ(json::parse(expired->body).at("state"), "expired");
  m = json::parse(server.Get("/api/v1/maintenance", token).body);
  EXPECT_EQ(m.at("in_maintenance"), false);
  EXPECT_TRUE(m.at("active").as_array().empty());
  EXPECT_TRUE(WaitUntil(
      [&] { return json::parse(server.Get(incident, token).body).at("silenced_by") == json::array{}; },
      milliseconds(10000)));
}

TEST(MaintenanceApiTest, BadSchedulesNameTheField) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string matchers = R"({"matchers":[{"name":"service","op":"=","value":"db"}],)";
  for (auto [schedule, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"time_zone":"Mars/Olympus","weekly":[{"day":"sun","start":"02:00","duration":"2h"}]})",
            "schedule.time_zone"},
           {R"({"time_zone":"UTC","weekly":[{"day":"someday","start":"02:00","duration":"2h"}]})",
            "schedule.weekly[0].day"},
           {R"({"time_zone":"UTC","weekly":[{"day":"sun","start":"25:00","duration":"2h"}]})",
            "schedule.weekly[0].start"},
           {R"({"time_zone":"UTC","weekly":[{"day":"sun","start":"02:00","duration":"2 hours"}]})",
            "schedule.weekly[0].duration"},
           {R"({"time_zone":"UTC","weekly":[]})", "schedule.weekly"}}) {
    HttpResult answer =
        server.Post("/api/v1/silences", matchers + R"("schedule":)" + schedule + "}",
                    server.admin_token());
    EXPECT_EQ(answer.status, 400) << schedule << " " << answer.body;
    EXPECT_EQ(json::parse(answer.body).at("error").at("field"), field.c_str()) << answer.body;
  }
  EXPECT_EQ(json::parse(server.Get("/api/v1/silences", server.admin_token()).body)
                .at("silences")
                .as_array()
                .size(),
            0u)
      << "nothing stored";
}

}  // namespace
}  // namespace quell::testing
