// People, schedules and overrides through the real server: who is on call follows the rotation
// and an override, on the server's wall clock (the rules at fixed instants and across summer
// time are unit-tested in src/oncall/on_call_test.cc); bad input names the field; scopes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "common/time_format.h"
#include "server_process.h"
#include "support/private_postgres.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

TimeMs WallNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class OnCallApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start()) << server_.log();
    for (const char* user : {R"({"name":"ana","telegram_user_id":1001})",
                             R"({"name":"bo","telegram_user_id":1002})", R"({"name":"cy"})"}) {
      HttpResult created = server_.Post("/api/v1/users", user, server_.admin_token());
      ASSERT_EQ(created.status, 201) << created.body;
    }
  }

  // A daily rotation of ana then bo whose first shift started an hour ago.
  HttpResult PutPrimary() {
    return server_.Post("/api/v1/schedules",
                        R"({"name":"primary","time_zone":"America/New_York","layers":[)"
                        R"({"users":["ana","bo"],"rotation":"24h","handoff":")" +
                            FormatRfc3339(handoff_) + R"("}]})",
                        server_.admin_token());
  }

  json::value Get(const std::string& path) {
    HttpResult answer = server_.Get(path, server_.admin_token());
    EXPECT_EQ(answer.status, 200) << path << " " << answer.body;
    return answer.status == 200 ? json::parse(answer.body) : json::value();
  }

  ServerProcess server_;
  const TimeMs handoff_ = WallNow() / kSecondMs * kSecondMs - kHourMs;
};

TEST_F(OnCallApiTest, TheRotationAndAnOverrideDecideWhoIsOnCall) {
  HttpResult created = PutPrimary();
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(PutPrimary().status, 200);  // replaced

  json::value now = Get("/api/v1/oncall?schedule=primary");
  EXPECT_EQ(now.at("schedule").as_string(), "primary");
  EXPECT_EQ(now.at("user").as_string(), "ana");
  EXPECT_EQ(now.at("until").as_string(), FormatRfc3339(handoff_ + 24 * kHourMs));

  // cy takes over for the next two hours.
  const TimeMs ends = handoff_ + 3 * kHourMs;
  HttpResult override_ = server_.Post("/api/v1/schedules/primary/overrides",
                                      R"({"user":"cy","ends_at":")" + FormatRfc3339(ends) + R"("})",
                                      server_.admin_token());
  ASSERT_EQ(override_.status, 201) << override_.body;
  EXPECT_EQ(json::parse(override_.body).at("created_by").as_string(), "admin");

  now = Get("/api/v1/oncall?schedule=primary");
  EXPECT_EQ(now.at("user").as_string(), "cy");
  EXPECT_EQ(now.at("until").as_string(), FormatRfc3339(ends));

  json::value detail = Get("/api/v1/schedules/primary");
  EXPECT_EQ(detail.at("time_zone").as_string(), "America/New_York");
  EXPECT_EQ(detail.at("layers").at(0).at("rotation").as_string(), "24h");
  ASSERT_EQ(detail.at("overrides").as_array().size(), 1u);
  EXPECT_EQ(detail.at("on_call").at("user").as_string(), "cy");

  // Without a schedule: every one, by name; a schedule with an empty layer has nobody.
  ASSERT_EQ(server_
                .Post("/api/v1/schedules",
                      R"({"name":"db","time_zone":"UTC","layers":[{"users":[],"rotation":"7d",)"
                      R"("handoff":"2026-01-01T00:00:00Z"}]})",
                      server_.admin_token())
                .status,
            201);
  json::value all = Get("/api/v1/oncall");
  ASSERT_EQ(all.at("oncall").as_array().size(), 2u);
  EXPECT_EQ(all.at("oncall").at(0).at("schedule").as_string(), "db");
  EXPECT_TRUE(all.at("oncall").at(0).at("user").is_null());
  EXPECT_TRUE(all.at("oncall").at(0).at("until").is_null());
  EXPECT_EQ(all.at("oncall").at(1).at("user").as_string(), "cy");
  EXPECT_EQ(Get("/api/v1/schedules").at("schedules").as_array().size(), 2u);

  // The override taken back: the rotation decides again. The schedule deleted: gone.
  auto client = server_.NewClient();
  const httplib::Headers auth = {{"Authorization", "Bearer " + server_.admin_token()}};
  const std::string id(json::parse(override_.body).at("id").as_string());
  auto deleted = client->Delete("/api/v1/schedules/primary/overrides/" + id, auth);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  EXPECT_EQ(Get("/api/v1/oncall?schedule=primary").at("user").as_string(), "ana");
  auto gone = client->Delete("/api/v1/schedules/db", auth);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 200) << gone->body;
  EXPECT_EQ(Get("/api/v1/oncall").at("oncall").as_array().size(), 1u);
}

// ?at= asks who is on call at another instant: at `until` is who is next (the dashboard's
// question), an override there included; a time that does not parse names the field.
TEST_F(OnCallApiTest, AtAsksWhoIsOnCallAtAnotherInstant) {
  ASSERT_EQ(PutPrimary().status, 201);
  json::value now = Get("/api/v1/oncall?schedule=primary");
  ASSERT_EQ(now.at("user").as_string(), "ana");
  const std::string until(now.at("until").as_string());
  json::value next = Get("/api/v1/oncall?schedule=primary&at=" + until);
  EXPECT_EQ(next.at("user").as_string(), "bo");
  EXPECT_EQ(next.at("until").as_string(), FormatRfc3339(handoff_ + 48 * kHourMs));
  // Epoch milliseconds too; a day later it is ana's turn again.
  EXPECT_EQ(Get("/api/v1/oncall?schedule=primary&at=" + std::to_string(handoff_ + 49 * kHourMs))
                .at("user")
                .as_string(),
            "ana");

  // cy overrides the first two hours of bo's shift: cy is next, until the override ends.
  HttpResult override_ = server_.Post("/api/v1/schedules/primary/overrides",
                                      R"({"user":"cy","starts_at":")" + until + R"(","ends_at":")" +
                                          FormatRfc3339(handoff_ + 26 * kHourMs) + R"("})",
                                      server_.admin_token());
  ASSERT_EQ(override_.status, 201) << override_.body;
  EXPECT_EQ(Get("/api/v1/oncall?schedule=primary").at("user").as_string(), "ana");
  next = Get("/api/v1/oncall?schedule=primary&at=" + until);
  EXPECT_EQ(next.at("user").as_string(), "cy");
  EXPECT_EQ(next.at("until").as_string(), FormatRfc3339(handoff_ + 26 * kHourMs));
  json::value all = Get("/api/v1/oncall?at=" + until);
  ASSERT_EQ(all.at("oncall").as_array().size(), 1u);
  EXPECT_EQ(all.at("oncall").at(0).at("user").as_string(), "cy");

  for (const char* bad : {"/api/v1/oncall?schedule=primary&at=tomorrow", "/api/v1/oncall?at=x"}) {
    HttpResult answer = server_.Get(bad, server_.admin_token());
    EXPECT_EQ(answer.status, 400) << bad << " " << answer.body;
    if (answer.status == 400) {
      EXPECT_EQ(json::parse(answer.body).at("error").at("field").as_string(), "at");
    }
  }
}

TEST_F(OnCallApiTest, UsersAreListedAndDeletedOnlyWhenNoScheduleNamesThem) {
  ASSERT_EQ(PutPrimary().status, 201);
  json::value users = Get("/api/v1/users");
  ASSERT_EQ(users.at("users").as_array().size(), 3u);
  EXPECT_EQ(users.at("users").at(0).at("telegram_user_id").as_int64(), 1001);
  EXPECT_TRUE(users.at("users").at(2).at("telegram_user_id").is_null());

  auto client = server_.NewClient();
  const httplib::Headers auth = {{"Authorization", "Bearer " + server_.admin_token()}};
  auto in_use = client->Delete("/api/v1/users/bo", auth);
  ASSERT_TRUE(in_use);
  EXPECT_EQ(in_use->status, 409) << in_use->body;
  auto deleted = client->Delete("/api/v1/users/cy", auth);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  auto again = client->Delete("/api/v1/users/cy", auth);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
  EXPECT_EQ(Get("/api/v1/users").at("users").as_array().size(), 2u);
}

TEST_F(OnCallApiTest, BadInputNamesTheField) {
  ASSERT_EQ(PutPrimary().status, 201);
  const std::string layer = R"("rotation":"24h","handoff":"2026-01-01T09:00:00Z")";
  for (auto [path, body, field] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"/api/v1/users", R"({"name":"ana","telegram_user_id":"@ana"})", "telegram_user_id"},
           {"/api/v1/users", R"({"name":""})", "name"},
           {"/api/v1/schedules",
            R"({"name":"s","time_zone":"Europe/Atlantis","layers":[{"users":["ana"],)" + layer +
                "}]}",
            "time_zone"},
           {"/api/v1/schedules",
            R"({"name":"s","time_zone":"UTC","layers":[{"users":["ana"],"rotation":"daily",)"
            R"("handoff":"2026-01-01T09:00:00Z"}]})",
            "layers[0].rotation"},
           {"/api/v1/schedules",
            R"({"name":"s","time_zone":"UTC","layers":[{"users":["ana"],"rotation":"24h",)"
            R"("handoff":"9am"}]})",
            "layers[0].handoff"},
           {"/api/v1/schedules",
            R"({"name":"s","time_zone":"UTC","layers":[{"users":["ana"],)" + layer +
                "},"
                R"({"users":["ana","zed"],)" +
                layer + "}]}",
            "layers[1].users[1]"},
           {"/api/v1/schedules/primary/overrides",
            R"({"user":"zed","ends_at":"2099-01-01T00:00:00Z"})", "user"},
           {"/api/v1/schedules/primary/overrides",
            R"({"user":"ana","starts_at":"2099-01-02T00:00:00Z","ends_at":"2099-01-01T00:00:00Z"})",
            "ends_at"}}) {
    HttpResult answer = server_.Post(path, body, server_.admin_token());
    EXPECT_EQ(answer.status, 400) << body << " " << answer.body;
    if (answer.status != 400) continue;
    EXPECT_EQ(json::parse(answer.body).at("error").at("field").as_string(), field) << answer.body;
  }
  HttpResult unknown = server_.Get("/api/v1/oncall?schedule=nope", server_.admin_token());
  EXPECT_EQ(unknown.status, 404) << unknown.body;
}

TEST_F(OnCallApiTest, WritesNeedAdminAndReadsRead) {
  const std::string reader = server_.CreateToken("reader", "read");
  ASSERT_FALSE(reader.empty());
  EXPECT_EQ(server_.Post("/api/v1/users", R"({"name":"dee"})", reader).status, 403);
  EXPECT_EQ(server_.Get("/api/v1/users", reader).status, 200);
  EXPECT_EQ(server_.Get("/api/v1/oncall", reader).status, 200);
  const std::string ingest = server_.CreateToken("sender", "ingest");
  EXPECT_EQ(server_.Get("/api/v1/oncall", ingest).status, 403);
}

// On PostgreSQL (settings rows, no migration), and read by every node: a second server on the
// database answers with the user, schedule and override the first one stored, and deleting a
// user works there too.
TEST(OnCallPostgresTest, ASecondNodeSeesTheSameOnCall) {
  auto database = CreateTestDatabase();
  ASSERT_TRUE(database) << database.error().ToString();
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--db", *database})) << server.log();
  const std::string token = server.admin_token();
  for (const char* user : {R"({"name":"ana"})", R"({"name":"bo"})", R"({"name":"cy"})"})
    ASSERT_EQ(server.Post("/api/v1/users", user, token).status, 201);
  ASSERT_EQ(
      server
          .Post("/api/v1/schedules",
                R"({"name":"primary","time_zone":"Europe/Berlin","layers":[)"
                R"({"users":["ana"],"rotation":"168h","handoff":"2026-01-05T09:00:00+01:00"}]})",
                token)
          .status,
      201);
  ASSERT_EQ(
      server
          .Post(
              "/api/v1/schedules/primary/overrides",
              R"({"user":"bo","starts_at":"2026-01-01T00:00:00Z","ends_at":"2099-01-01T00:00:00Z"})",
              token)
          .status,
      201);

  ServerProcess other;
  ASSERT_TRUE(other.Start({"--db", *database})) << other.log();
  HttpResult seen = other.Get("/api/v1/oncall?schedule=primary", token);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(json::parse(seen.body).at("user").as_string(), "bo");
  EXPECT_EQ(json::parse(seen.body).at("until").as_string(), "2099-01-01T00:00:00.000Z");
  auto client = other.NewClient();
  auto deleted = client->Delete("/api/v1/users/cy", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  EXPECT_EQ(json::parse(server.Get("/api/v1/users", token).body).at("users").as_array().size(), 2u);
}

}  // namespace
}  // namespace quell::testing
