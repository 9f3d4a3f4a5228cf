// Telegram's /oncall command against a real `quell serve` polling the fake Bot API
// (tests/fake_telegram.h): the server asks for messages as well as presses, answers /oncall in
// a configured chat with who is on call for each schedule (a reply to the command, in its forum
// topic), and ignores the command in other chats.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_telegram.h"
#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

constexpr int64_t kChat = -1007001;
constexpr int64_t kOtherChat = -1007002;

TEST(TelegramOnCall, TheCommandIsAnsweredWithEachSchedule) {
  notify::testing::FakeTelegram telegram;
  ServerProcess server;
  ASSERT_TRUE(server.Start(
      {"--set", std::string("telegram.bot_token=") + notify::testing::FakeTelegram::kToken, "--set",
       "telegram.chat_ids=" + std::to_string(kChat), "--set",
       "telegram.api_url=" + telegram.url()}))
      << server.log();
  // primary: ana, the only one in her layer, since 2026-01-05 with no end. secondary: bo by an
  // override until 2036-07-01T10:00Z (12:00 in Berlin, summer time).
  for (
      const auto& [path, body] : std::vector<std::pair<std::string, std::string>>{
          {"/api/v1/users", R"({"name":"ana"})"},
          {"/api/v1/users", R"({"name":"bo"})"},
          {"/api/v1/schedules",
           R"({"name":"primary","time_zone":"Europe/Berlin","layers":[{"users":["ana"],)"
           R"("rotation":"168h","handoff":"2026-01-05T09:00:00+01:00"}]})"},
          {"/api/v1/schedules",
           R"({"name":"secondary","time_zone":"Europe/Berlin","layers":[{"users":["ana"],)"
           R"("rotation":"24h","handoff":"2026-01-05T09:00:00+01:00"}]})"},
          {"/api/v1/schedules/secondary/overrides",
           R"({"user":"bo","starts_at":"2026-01-01T00:00:00Z","ends_at":"2036-07-01T10:00:00Z"})"}}) {
    HttpResult created = server.Post(path, body, server.admin_token());
    ASSERT_EQ(created.status, 201) << path << " " << created.body;
  }

  ASSERT_TRUE(telegram.WaitForCalls("getUpdates", 1));
  const json::array allowed =
      telegram.Calls("getUpdates").at(0).body.at("allowed_updates").as_array();
  EXPECT_NE(std::find(allowed.begin(), allowed.end(), json::value("message")), allowed.end());

  telegram.PushMessage(1, 555, kOtherChat, 40, "/oncall");  // not a configured chat: ignored
  telegram.PushMessage(2, 555, kChat, 41, "/oncall@QuellBot");
  ASSERT_TRUE(telegram.WaitForCalls("sendMessage", 1)) << server.log();
  const std::vector<notify::testing::FakeCall> sent = telegram.Calls("sendMessage");
  ASSERT_EQ(sent.size(), 1u);
  const json::object& reply = sent[0].body;
  EXPECT_EQ(reply.at("chat_id").as_int64(), kChat);
  EXPECT_EQ(reply.at("reply_parameters").at("message_id").as_int64(), 41);
  EXPECT_EQ(std::string(reply.at("text").as_string()),
            "<b>On call</b>\n"
            "<b>primary</b>: ana\n"
            "<b>secondary</b>: bo until 2036-07-01 12:00 (Europe/Berlin)");
}

}  // namespace
}  // namespace quell::testing
