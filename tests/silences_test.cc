// Silences through the real server: created with the token's name as creator, listed with their
// state, expired by DELETE; bad input names the field; a silenced incident sends no Telegram card
// (the fake Bot API) and does not escalate until the silence is expired.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_telegram.h"
#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

json::value IncidentJson(ServerProcess& server, int64_t id) {
  return json::parse(server.Get("/api/v1/incidents/" + std::to_string(id), server.admin_token()).body);
}

bool HasEvent(const json::value& incident, const std::string& kind) {
  for (const auto& e : incident.at("timeline").as_array())
    if (e.at("kind") == kind.c_str()) return true;
  return false;
}

TEST(SilencesApiTest, CreateListExpire) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string token = server.CreateToken("oncall-bot", "admin");
  ASSERT_FALSE(token.empty());

  HttpResult created =
      server.Post("/api/v1/silences",
                  R"({"matchers":[{"name":"service","op":"=~","value":"check.*"}],"duration":"1h",)"
                  R"("comment":"maintenance","created_by":"ana"})",
                  token);
  ASSERT_EQ(created.status, 201) << created.body;
  json::object silence = json::parse(created.body).as_object();
  const std::string id(silence.at("id").as_string());
  EXPECT_EQ(silence.at("state").as_string(), "active");
  EXPECT_EQ(silence.at("created_by").as_string(), "oncall-bot");
  EXPECT_EQ(silence.at("comment").as_string(), "on behalf of ana: maintenance");

  HttpResult pending = server.Post(
      "/api/v1/silences",
      R"({"matchers":[{"name":"team","op":"!=","value":"db"}],"starts_at":"2999-01-01T00:00:00Z",)"
      R"("duration":"2h"})",
      token);
  ASSERT_EQ(pending.status, 201) << pending.body;

  auto client = server.NewClient();
  auto expired = client->Delete("/api/v1/silences/" + id, {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 200) << expired->body;
  auto unknown = client->Delete("/api/v1/silences/nope", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);

  HttpResult listed = server.Get("/api/v1/silences", server.admin_token());
  ASSERT_EQ(listed.status, 200) << listed.body;
  std::map<std::string, std::string> states;
  const json::value list = json::parse(listed.body);
  for (const auto& s : list.at("silences").as_array())
    states[std::string(s.at("id").as_string())] = s.at("state").as_string();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[id], "expired");
  EXPECT_EQ(states[std::string(json::parse(pending.body).at("id").as_string())], "pending");
}

TEST(SilencesApiTest, BadInputNamesTheField) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  for (auto [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"matchers":[{"name":"service","op":"=~","value":"("}],"duration":"1h"})",
            "matchers[0].value"},
           {R"({"matchers":[{"name":"service","op":"~","value":"a"}],"duration":"1h"})",
            "matchers[0].op"},
           {R"({"matchers":[],"duration":"1h"})", "matchers"},
           {R"({"matchers":[{"name":"service","op":"=","value":"a"}]})", "ends_at"}}) {
    HttpResult answer = server.Post("/api/v1/silences", body, server.admin_token());
    EXPECT_EQ(answer.status, 400) << body;
    auto error = json::parse(answer.body).at("error");
    EXPECT_EQ(error.at("field").as_string(), field) << answer.body;
  }
  const std::string reader = server.CreateToken("reader", "read");
  HttpResult forbidden = server.Post(
      "/api/v1/silences",
      R"({"matchers":[{"name":"service","op":"=","value":"a"}],"duration":"1h"})", reader);
  EXPECT_EQ(forbidden.status, 403);
}

TEST(SilencesApiTest, ASilencedIncidentSendsNoCardAndDoesNotEscalateUntilTheSilenceIsExpired) {
  constexpr int64_t kChat = -1009001;
  notify::testing::FakeTelegram telegram;
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", std::string("telegram.bot_token=") + notify::testing::FakeTelegram::kToken,
                            "--set", "telegram.chat_ids=" + std::to_string(kChat),
                            "--set", "telegram.api_url=" + telegram.url(),
                            "--set", "escalation.after=1s", "--set", "analysis.delay=1h"}))
      << server.log();
  const std::string token = server.admin_token();
  HttpResult silence = server.Post(
      "/api/v1/silences",
      R"({"matchers":[{"name":"service","op":"=~","value":"check.*"}],"duration":"1h"})", token);
  ASSERT_EQ(silence.status, 201) << silence.body;
  const std::string silence_id(json::parse(silence.body).at("id").as_string());

  HttpResult sent = server.Post("/api/v1/alerts",
                                R"({"service":"checkout","error":"card declined spike"})", token);
  ASSERT_EQ(sent.status, 202) << sent.body;
  const int64_t id = json::parse(sent.body).at("incident_id").as_int64();
  // The notify job runs and holds it back: the timeline says so.
  ASSERT_TRUE(WaitUntil([&] { return HasEvent(IncidentJson(server, id), "silence_matched"); },
                        milliseconds(10000)))
      << server.log();
  json::value incident = IncidentJson(server, id);
  EXPECT_EQ(incident.at("silenced_by"), json::array{json::value(silence_id)});
  json::value listed = json::parse(server.Get("/api/v1/incidents", token).body);
  EXPECT_EQ(listed.at("incidents").at(0).at("silenced_by"), json::array{json::value(silence_id)});
  // Past escalation.after (1s) and the job runner's polls: nothing sent, nothing escalated.
  std::this_thread::sleep_for(milliseconds(2500));
  incident = IncidentJson(server, id);
  EXPECT_TRUE(telegram.Calls("sendMessage").empty()) << "no card while silenced";
  EXPECT_FALSE(HasEvent(incident, "escalated"));
  EXPECT_EQ(incident.at("escalated_at"), nullptr);

  auto client = server.NewClient();
  auto expired = client->Delete("/api/v1/silences/" + silence_id, {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->status, 200) << expired->body;
  EXPECT_TRUE(telegram.WaitForCalls("sendMessage", 1)) << "the card comes once the silence ends";
  incident = IncidentJson(server, id);
  EXPECT_EQ(incident.at("silenced_by"), json::array{});
  EXPECT_TRUE(HasEvent(incident, "silence_ended"));
  // ... and so does escalation, escalation.after later.
  EXPECT_TRUE(WaitUntil([&] { return HasEvent(IncidentJson(server, id), "escalated"); },
                        milliseconds(10000)));
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace quell::testing
