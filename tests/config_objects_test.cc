// Users, schedules, escalation policies and routes, and maintenance windows written in the
// config file, through the real server:
// they appear with source "config", the API refuses to change or delete them (409) while
// API-created objects stay writable, a restart with an edited file replaces them and removes
// the ones taken out, API-created ones stay; a bad file stops `quell serve` and
// `quell config check`, naming the file, the table and the field.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

constexpr const char* kConfig = R"(
[[oncall.users]]
name = "alice"
telegram_user_id = 1001

[[oncall.users]]
name = "carol"

[[oncall.schedules]]
name = "primary"
time_zone = "Europe/Berlin"
[[oncall.schedules.layers]]
users = ["alice", "carol"]
rotation = "168h"
handoff = 2026-01-05T09:00:00+01:00

[[escalation.policies]]
name = "pager"
repeat = 1
[[escalation.policies.steps]]
after = "0m"
notify = [{ schedule = "primary" }]
[[escalation.policies.steps]]
after = "15m"
notify = [{ user = "carol" }, { chat = -1001234 }]

[[escalation.policies]]
name = "dba"
steps = [{ after = "0m", notify = [{ user = "alice" }] }]

[[escalation.routes]]
matchers = [{ name = "service", op = "=~", value = "db.*" }]
policy = "dba"

[[escalation.routes]]
policy = "pager"

[[maintenance]]
name = "sunday-db"
comment = "weekly database patching"
matchers = [{ name = "service", op = "=", value = "db" }]
schedule = { time_zone = "Europe/Berlin", weekly = [{ day = "sun", start = "02:00", duration = "2h" }] }
)";

// Alice's id changed, carol, the maintenance window, policy dba and the routes gone, the
// schedule with alice alone, policy pager with one step.
constexpr const char* kEdited = R"(
[[oncall.users]]
name = "alice"
telegram_user_id = 2002

[[oncall.schedules]]
name = "primary"
time_zone = "Europe/Berlin"
layers = [{ users = ["alice"], rotation = "24h", handoff = "2026-01-05T08:00:00Z" }]

[escalation]
after = "20m"
[[escalation.policies]]
name = "pager"
steps = [{ after = "5m", notify = [{ schedule = "primary" }] }]
)";

class ConfigObjectsTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove(file_); }

  void WriteConfig(const std::string& text) { std::ofstream(file_) << text; }

  // The object named `name` in GET `path`'s list `list` (null when absent).
  json::value Find(const std::string& path, const char* list, const std::string& key,
                   const std::string& name) {
    HttpResult answer = server_.Get(path, server_.admin_token());
    EXPECT_EQ(answer.status, 200) << answer.body;
    const json::value parsed = json::parse(answer.body);
    for (const auto& item : parsed.at(list).as_array())
      if (item.at(key) == name.c_str()) return item;
    return nullptr;
  }

  int Put(const std::string& path, const std::string& body) {
    auto answer = server_.NewClient()->Put(
        path, {{"Authorization", "Bearer " + server_.admin_token()}}, body, "application/json");
    return answer ? answer->status : 0;
  }

  int Delete(const std::string& path, std::string* body = nullptr) {
    auto answer =
        server_.NewClient()->Delete(path, {{"Authorization", "Bearer " + server_.admin_token()}});
    if (!answer) return 0;
    if (body) *body = answer->body;
    return answer->status;
  }

  ServerProcess server_;
  const std::string file_ = std::filesystem::temp_directory_path() /
                            ("quell_config_objects_" + std::to_string(::getpid()) + ".toml");
};

TEST_F(ConfigObjectsTest, ConfigDefinedObjectsAreReadOnlyAndFollowTheFileAcrossRestarts) {
  WriteConfig(kConfig);
  ASSERT_TRUE(server_.Start({"--config", file_})) << server_.log();
  const std::string token = server_.admin_token();

  json::value alice = Find("/api/v1/users", "users", "name", "alice");
  ASSERT_FALSE(alice.is_null());
  EXPECT_EQ(alice.at("source"), "config");
  EXPECT_EQ(alice.at("telegram_user_id"), 1001);
  json::value primary = Find("/api/v1/schedules", "schedules", "name", "primary");
  ASSERT_FALSE(primary.is_null());
  EXPECT_EQ(primary.at("source"), "config");
  EXPECT_EQ(primary.at("layers").at(0).at("rotation"), "7d");
  json::value maintenance = Find("/api/v1/silences", "silences", "id", "sunday-db");
  ASSERT_FALSE(maintenance.is_null());
  EXPECT_EQ(maintenance.at("source"), "config");
  EXPECT_EQ(maintenance.at("created_by"), "config");
  EXPECT_EQ(maintenance.at("schedule").at("time_zone"), "Europe/Berlin");
  EXPECT_NE(maintenance.at("state"), "expired");
  json::value pager = Find("/api/v1/escalation-policies", "policies", "name", "pager");
  ASSERT_FALSE(pager.is_null());
  EXPECT_EQ(pager.at("source"), "config");
  EXPECT_EQ(pager.at("repeat"), 1);
  EXPECT_EQ(pager.at("steps").at(1).at("notify"),
            json::parse(R"([{"user":"carol"},{"chat":-1001234}])"));
  HttpResult routes = server_.Get("/api/v1/escalation-routes", token);
  ASSERT_EQ(routes.status, 200) << routes.body;
  EXPECT_EQ(json::parse(routes.body),
            json::parse(R"({"routes":[{"matchers":[{"name":"service","op":"=~","value":"db.*"}],)"
                        R"("policy":"dba"}],"default":"pager","source":"config"})"));

  // API-created objects next to them, and one that uses a config-defined user.
  ASSERT_EQ(server_.Post("/api/v1/users", R"({"name":"bob"})", token).status, 201);
  ASSERT_EQ(server_.Post("/api/v1/schedules",
                         R"({"name":"secondary","time_zone":"UTC","layers":[{"users":["bob","alice"],)"
                         R"("rotation":"24h","handoff":"2026-01-05T08:00:00Z"}]})",
                         token)
                .status,
            201);
  HttpResult api_silence = server_.Post(
      "/api/v1/silences",
      R"({"matchers":[{"name":"service","op":"=","value":"web"}],"duration":"30d"})", token);
  ASSERT_EQ(api_silence.status, 201);
  const std::string api_silence_id(json::parse(api_silence.body).at("id").as_string());
  EXPECT_EQ(Find("/api/v1/users", "users", "name", "bob").at("source"), "api");
  ASSERT_EQ(server_.Post("/api/v1/escalation-policies",
                         R"({"name":"web","steps":[{"after":"0m","notify":[{"user":"bob"}]}]})",
                         token)
                .status,
            201);
  EXPECT_EQ(Find("/api/v1/escalation-policies", "policies", "name", "web").at("source"), "api");

  // The API refuses to change or delete what the file defines.
  HttpResult replaced = server_.Post("/api/v1/users", R"({"name":"alice","telegram_user_id":7})", token);
  EXPECT_EQ(replaced.status, 409) << replaced.body;
  EXPECT_NE(replaced.body.find("defined in the config file"), std::string::npos) << replaced.body;
  EXPECT_EQ(server_.Post("/api/v1/schedules",
                         R"({"name":"primary","time_zone":"UTC","layers":[{"users":["bob"],)"
                         R"("rotation":"24h","handoff":"2026-01-05T08:00:00Z"}]})",
                         token)
                .status,
            409);
  std::string body;
  EXPECT_EQ(Delete("/api/v1/users/carol", &body), 409) << body;
  EXPECT_NE(body.find("user carol is defined in the config file"), std::string::npos) << body;
  EXPECT_EQ(Delete("/api/v1/schedules/primary"), 409);
  EXPECT_EQ(Delete("/api/v1/silences/sunday-db", &body), 409) << body;
  EXPECT_NE(body.find("maintenance window sunday-db"), std::string::npos) << body;
  const std::string other_policy = R"({"steps":[{"after":"0m","notify":[{"user":"bob"}]}]})";
  EXPECT_EQ(server_.Post("/api/v1/escalation-policies",
                         R"({"name":"pager","steps":[{"after":"0m","notify":[{"user":"bob"}]}]})",
                         token)
                .status,
            409);
  EXPECT_EQ(Put("/api/v1/escalation-policies/dba", other_policy), 409);
  EXPECT_EQ(Delete("/api/v1/escalation-policies/dba", &body), 409) << body;
  EXPECT_NE(body.find("escalation policy dba is defined in the config file"), std::string::npos)
      << body;
  EXPECT_EQ(Put("/api/v1/escalation-routes", R"({"routes":[],"default":"web"})"), 409);
  EXPECT_EQ(Find("/api/v1/escalation-policies", "policies", "name", "dba").at("steps"),
            json::parse(R"([{"after":"0s","notify":[{"user":"alice"}]}])"));
  EXPECT_EQ(json::parse(server_.Get("/api/v1/escalation-routes", token).body).at("default"),
            "pager");
  EXPECT_EQ(Find("/api/v1/users", "users", "name", "alice").at("telegram_user_id"), 1001);
  // An override of a config-defined schedule is operations: allowed.
  EXPECT_EQ(server_.Post("/api/v1/schedules/primary/overrides",
                         R"({"user":"alice","ends_at":"2999-01-01T00:00:00Z"})",
                         token)
                .status,
            201);

  // A restart with the edited file: alice replaced, carol and the window gone, ours kept.
  ASSERT_EQ(server_.Stop(), 0);
  WriteConfig(kEdited);
  ASSERT_TRUE(server_.Start({"--config", file_})) << server_.log();
  alice = Find("/api/v1/users", "users", "name", "alice");
  EXPECT_EQ(alice.at("telegram_user_id"), 2002);
  EXPECT_EQ(alice.at("source"), "config");
  EXPECT_TRUE(Find("/api/v1/users", "users", "name", "carol").is_null())
      << "removed from the file: removed";
  EXPECT_TRUE(Find("/api/v1/silences", "silences", "id", "sunday-db").is_null());
  primary = Find("/api/v1/schedules", "schedules", "name", "primary");
  EXPECT_EQ(primary.at("layers").at(0).at("rotation"), "24h");
  EXPECT_EQ(primary.at("layers").at(0).at("users"), (json::array{"alice"}));
  EXPECT_EQ(Find("/api/v1/users", "users", "name", "bob").at("source"), "api");
  EXPECT_EQ(Find("/api/v1/schedules", "schedules", "name", "secondary").at("source"), "api");
  EXPECT_EQ(Find("/api/v1/silences", "silences", "id", api_silence_id).at("source"), "api");
  pager = Find("/api/v1/escalation-policies", "policies", "name", "pager");
  EXPECT_EQ(pager.at("source"), "config");
  EXPECT_EQ(pager.at("steps"), json::parse(R"([{"after":"5m","notify":[{"schedule":"primary"}]}])"));
  EXPECT_TRUE(Find("/api/v1/escalation-policies", "policies", "name", "dba").is_null())
      << "removed after the routes that named it";
  EXPECT_EQ(Find("/api/v1/escalation-policies", "policies", "name", "web").at("source"), "api");
  routes = server_.Get("/api/v1/escalation-routes", token);
  EXPECT_EQ(json::parse(routes.body),
            json::parse(R"({"routes":[],"default":null,"source":"api"})"))
      << "routes taken out of the file: none stored";
  // API objects stay writable, and the routes are the API's again.
  EXPECT_EQ(Delete("/api/v1/schedules/secondary"), 200);
  EXPECT_EQ(Put("/api/v1/escalation-routes", R"({"routes":[],"default":"web"})"), 200);
  EXPECT_EQ(Put("/api/v1/escalation-policies/web", other_policy), 200);
}

struct BadConfig {
  const char* toml;
  const char* says;  // after "<file>:"
};

TEST_F(ConfigObjectsTest, ABadFileStopsServeAndConfigCheckNamingFileTableAndField) {
  for (const BadConfig& bad : {
           BadConfig{"[[oncall.users]]\nname = \"alice\"\n[[oncall.schedules]]\nname = \"p\"\n"
                     "time_zone = \"UTC\"\nlayers = [{ users = [\"alice\", \"bob\"], rotation = "
                     "\"24h\", handoff = \"2026-01-05T08:00:00Z\" }]\n",
                     "3: oncall.schedules[0].layers[0].users[1]: no user bob in [[oncall.users]]"},
           BadConfig{"[[oncall.schedules]]\nname = \"p\"\ntime_zone = \"Mars/Olympus\"\n"
                     "layers = [{ users = [], rotation = \"24h\", handoff = "
                     "\"2026-01-05T08:00:00Z\" }]\n",
                     "1: oncall.schedules[0].time_zone: unknown time zone"},
           BadConfig{"\n[[maintenance]]\nname = \"m\"\nmatchers = [{ name = \"service\", op = "
                     "\"=\", value = \"db\" }]\nschedule = { time_zone = \"UTC\", weekly = [{ day "
                     "= \"sun\", start = \"02:00\", duration = \"forever\" }] }\n",
                     "2: maintenance[0].schedule.weekly[0].duration must be"},
           BadConfig{"[[escalation.policies]]\nname = \"p\"\nsteps = [{ after = \"0m\", notify = "
                     "[{ schedule = \"primary\" }] }]\n",
                     "1: escalation.policies[0].steps[0].notify[0].schedule: no schedule primary "
                     "in [[oncall.schedules]]"},
           BadConfig{"[[oncall.users]]\nname = \"alice\"\n[[escalation.policies]]\nname = \"p\"\n"
                     "steps = [{ after = \"0m\", notify = [{ user = \"alice\" }] }]\n"
                     "[[escalation.routes]]\nmatchers = [{ name = \"service\", op = \"=\", value = "
                     "\"db\" }]\npolicy = \"p\"\n[[escalation.routes]]\nmatchers = [{ name = "
                     "\"service\", op = \"=\", value = \"web\" }]\npolicy = \"q\"\n",
                     "9: escalation.routes[1].policy: no escalation policy q in "
                     "[[escalation.policies]]"},
           BadConfig{"[[oncall.users]]\nname = \"alice\"\n[[escalation.policies]]\nname = \"p\"\n"
                     "steps = [{ after = \"0m\", notify = [{ user = \"alice\" }] }]\n"
                     "[[escalation.routes]]\npolicy = \"nope\"\n",
                     "6: escalation.routes[0].policy: no escalation policy nope in "
                     "[[escalation.policies]]"},
           BadConfig{"[[escalation.routes]]\nmatchers = [{ name = \"service\", op = \"=~\", "
                     "value = \"(\" }]\npolicy = \"p\"\n",
                     "1: escalation.routes[0].matchers[0].value"},
       }) {
    WriteConfig(bad.toml);
    int code = 0;
    std::string out = RunQuell("config check --config " + file_, &code);
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find(file_ + ":" + bad.says), std::string::npos) << out;
    out = RunQuell("serve --listen 127.0.0.1:0 --data-dir " + server_.data_dir() + " --config " +
                       file_,
                   &code);
    EXPECT_NE(code, 0) << out;
    EXPECT_NE(out.find(file_ + ":" + bad.says), std::string::npos) << out;
  }
  WriteConfig(kConfig);
  int code = 0;
  const std::string out = RunQuell("config check --config " + file_, &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("2 user(s), 1 schedule(s), 2 escalation policy(ies), 1 escalation "
                     "route(s) and a default, 1 maintenance window(s)"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace quell::testing
