// Escalation policies end to end: a real `quell serve` pages the on-call user of a schedule by
// Telegram direct message (the fake Bot API of tests/fake_telegram.h), that user's press of
// Acknowledge in the direct message acknowledges the incident and the chat's card is edited to
// follow; a press in a direct message by someone who is not a user is refused; a 403 to the
// direct message (the user never started the bot) is said on the timeline and in the chat.
// On PostgreSQL, a second node reads the policies, routes and an incident's escalation state
// the first one wrote.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include <boost/json.hpp>

#include "fake_telegram.h"
#include "server_process.h"
#include "support/private_postgres.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using notify::testing::FakeCall;
using notify::testing::FakeTelegram;

constexpr int64_t kChat = -1007100;
constexpr int64_t kAna = 777001;  // ana's Telegram user id: her direct message's chat id

bool Eventually(const std::function<bool()>& attempt, int seconds = 15) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (attempt()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// The calls of `method` to `chat`.
std::vector<FakeCall> To(FakeTelegram& telegram, const std::string& method, int64_t chat) {
  std::vector<FakeCall> out;
  for (auto& call : telegram.Calls(method))
    if (call.body.contains("chat_id") && call.body.at("chat_id") == json::value(chat))
      out.push_back(call);
  return out;
}

std::string Text(const FakeCall& call) { return std::string(call.body.at("text").as_string()); }

class TelegramEscalation : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start({"--set", std::string("telegram.bot_token=") + FakeTelegram::kToken,
                               "--set", "telegram.chat_ids=" + std::to_string(kChat), "--set",
                               "telegram.api_url=" + telegram_.url()}))
        << server_.log();
    token_ = server_.admin_token();
    for (const auto& [path, body] : std::vector<std::pair<std::string, std::string>>{
             {"/api/v1/users", R"({"name":"ana","telegram_user_id":777001})"},
             {"/api/v1/schedules",
              R"({"name":"primary","time_zone":"UTC","layers":[{"users":["ana"],)"
              R"("rotation":"168h","handoff":"2026-01-05T09:00:00Z"}]})"},
             {"/api/v1/escalation-policies",
              R"({"name":"default","steps":[{"after":"0m","notify":[{"schedule":"primary"}]},)"
              R"({"after":"1h","notify":[{"chat":-1007100}]}]})"}}) {
      HttpResult created = server_.Post(path, body, token_);
      ASSERT_EQ(created.status, 201) << path << " " << created.body;
    }
  }

  int64_t OpenIncident() {
    HttpResult sent =
        server_.Post("/api/v1/alerts", R"({"service":"checkout","error":"DB timeout"})", token_);
    EXPECT_EQ(sent.status, 202) << sent.body;
    return sent.status == 202 ? json::parse(sent.body).at("incident_id").as_int64() : 0;
  }

  json::object Incident(int64_t id) {
    HttpResult got = server_.Get("/api/v1/incidents/" + std::to_string(id), token_);
    EXPECT_EQ(got.status, 200) << got.body;
    return got.status == 200 ? json::parse(got.body).as_object() : json::object{};
  }

  bool TimelineHas(int64_t id, const std::string& kind, const std::string& note_part) {
    json::object incident = Incident(id);
    if (!incident.contains("timeline")) return false;
    for (const auto& e : incident.at("timeline").as_array())
      if (e.at("kind").as_string() == kind &&
          std::string(e.at("note").as_string()).find(note_part) != std::string::npos)
        return true;
    return false;
  }

  FakeTelegram telegram_;
  ServerProcess server_;
  std::string token_;
};

TEST_F(TelegramEscalation, TheOnCallUserIsPagedByDirectMessageAndAcksThere) {
  const int64_t id = OpenIncident();
  ASSERT_GT(id, 0);
  ASSERT_TRUE(Eventually([&] { return !To(telegram_, "sendMessage", kAna).empty(); }))
      << server_.log();
  const FakeCall dm = To(telegram_, "sendMessage", kAna).front();
  EXPECT_NE(Text(dm).find("DB timeout"), std::string::npos) << Text(dm);
  EXPECT_FALSE(dm.body.at("disable_notification").as_bool()) << "a page rings";
  const std::string buttons = json::serialize(dm.body.at("reply_markup"));
  EXPECT_NE(buttons.find("ack:" + std::to_string(id)), std::string::npos) << buttons;
  EXPECT_FALSE(dm.body.contains("message_thread_id"));
  ASSERT_TRUE(Eventually([&] { return !To(telegram_, "sendMessage", kChat).empty(); }));
  EXPECT_TRUE(TimelineHas(id, "escalation_step", "ana (schedule primary)"));
  EXPECT_TRUE(Eventually(
      [&] { return TimelineHas(id, "notified", "paged ana by Telegram direct message"); }));

  json::object incident = Incident(id);
  ASSERT_TRUE(incident.at("escalation").is_object()) << json::serialize(incident);
  const json::object& escalation = incident.at("escalation").as_object();
  EXPECT_EQ(escalation.at("policy").as_string(), "default");
  EXPECT_EQ(escalation.at("steps_taken").as_int64(), 1);
  EXPECT_EQ(escalation.at("next_step").at("step").as_int64(), 2);

  // Someone who is not a user presses in their own direct message: refused.
  telegram_.PushCallback(1, 999, 999, 5, "ack:" + std::to_string(id));
  ASSERT_TRUE(telegram_.WaitForCalls("answerCallbackQuery", 1)) << server_.log();
  EXPECT_NE(Text(telegram_.Calls("answerCallbackQuery")[0]).find("not allowed"), std::string::npos);
  EXPECT_EQ(Incident(id).at("status").as_string(), "triggered");

  telegram_.PushCallback(2, kAna, kAna, 1, "ack:" + std::to_string(id));
  ASSERT_TRUE(Eventually([&] { return Incident(id).at("status").as_string() == "acknowledged"; }))
      << server_.log();
  EXPECT_EQ(Incident(id).at("acked_by").as_string(), "telegram:ana");
  // The chat's card follows, and so does the one in the direct message.
  ASSERT_TRUE(Eventually([&] {
    for (const auto& edit : To(telegram_, "editMessageText", kChat))
      if (Text(edit).find("Acknowledged by telegram:ana") != std::string::npos) return true;
    return false;
  })) << server_.log();
  EXPECT_TRUE(Eventually([&] { return !To(telegram_, "editMessageText", kAna).empty(); }));
  EXPECT_EQ(Incident(id).at("escalation").at("stopped").as_string(), "acknowledged");
}

TEST_F(TelegramEscalation, ADirectMessageRefusedWith403FallsBackToTheChat) {
  telegram_.ScriptForChat(
      "sendMessage", kAna,
      {403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot can't initiate conversation with a user"})"});
  const int64_t id = OpenIncident();
  ASSERT_GT(id, 0);
  ASSERT_TRUE(Eventually([&] {
    for (const auto& sent : To(telegram_, "sendMessage", kChat))
      if (Text(sent).find("Could not page ana") != std::string::npos) return true;
    return false;
  })) << server_.log();
  EXPECT_TRUE(TimelineHas(id, "notify_failed", "could not page ana"));
  EXPECT_TRUE(TimelineHas(id, "notify_failed", "403 Forbidden: bot can't initiate"));
  EXPECT_EQ(To(telegram_, "sendMessage", kAna).size(), 1u) << "one try, no retry of a 403";
}

TEST(EscalationPostgres, ASecondNodeSeesThePoliciesAndTheIncidentsEscalation) {
  auto database = CreateTestDatabase();
  ASSERT_TRUE(database) << database.error().ToString();
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--db", *database})) << server.log();
  const std::string token = server.admin_token();
  ASSERT_EQ(server.Post("/api/v1/users", R"({"name":"ana","telegram_user_id":5})", token).status,
            201);
  ASSERT_EQ(server
                .Post("/api/v1/escalation-policies",
                      R"({"name":"dba","steps":[{"after":"0m","notify":[{"user":"ana"}]},)"
                      R"({"after":"30m","notify":[{"chat":-100}]}]})",
                      token)
                .status,
            201);
  auto client = server.NewClient();
  auto put = client->Put(
      "/api/v1/escalation-routes", {{"Authorization", "Bearer " + token}},
      R"({"routes":[{"matchers":[{"name":"service","op":"=~","value":"db.*"}],"policy":"dba"}]})",
      "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  HttpResult sent = server.Post("/api/v1/alerts", R"({"service":"db-main","error":"down"})", token);
  ASSERT_EQ(sent.status, 202) << sent.body;
  const std::string path =
      "/api/v1/incidents/" + std::to_string(json::parse(sent.body).at("incident_id").as_int64());

  ServerProcess other;
  ASSERT_TRUE(other.Start({"--db", *database})) << other.log();
  HttpResult policies = other.Get("/api/v1/escalation-policies/dba", token);
  ASSERT_EQ(policies.status, 200) << policies.body;
  EXPECT_EQ(json::parse(other.Get("/api/v1/escalation-routes", token).body)
                .at("routes").as_array().size(), 1u);
  json::value incident;
  ASSERT_TRUE(Eventually([&] {
    HttpResult got = other.Get(path, token);
    if (got.status != 200) return false;
    incident = json::parse(got.body);
    return incident.at("escalation").is_object() &&
           incident.at("escalation").at("steps_taken").as_int64() == 1;
  })) << server.log();
  EXPECT_EQ(incident.at("escalation").at("policy").as_string(), "dba");
  EXPECT_EQ(incident.at("escalation").at("route").as_string(), "routes[0]");
  EXPECT_EQ(incident.at("escalation").at("next_step").at("step").as_int64(), 2);
}

}  // namespace
}  // namespace quell::testing
