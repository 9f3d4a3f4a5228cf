// End to end with the telegram-test-api Bot API emulator from npm (installed into
// tests/telegram by scripts/deps.sh --test, started by tests/telegram/emulator.mjs on a free
// loopback port): an alert becomes an incident card with buttons in the chat; a press of
// "Acknowledge" (the emulator's POST /sendCallback) reaches Quell by getUpdates, acknowledges
// the incident through the Engine, and the card is edited to show it.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kToken = "424242:quell-e2e-token";
constexpr int64_t kChat = -1009001;
constexpr int64_t kUser = 5150;

// Retries `attempt` every 100 ms for up to 30 s; true once it returns true.
bool Eventually(const std::function<bool()>& attempt) {
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    if (attempt()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// telegram-test-api on a free loopback port, stopped by its PID.
struct Emulator {
  explicit Emulator(const std::string& log_dir) {
    const std::string dir = SourceDir() + "/tests/telegram";
    installed = std::filesystem::exists(dir + "/node_modules/telegram-test-api");
    if (!installed) return;
    port = FreeLoopbackPort();
    pid = SpawnProcess({"node", dir + "/emulator.mjs", std::to_string(port)}, log_dir + "/emulator.log");
    client = std::make_unique<httplib::Client>("127.0.0.1", port);
    ready = Eventually([&] {
      auto r = client->Post("/bot" + std::string(kToken) + "/getMe", "{}", "application/json");
      return r && r->status == 200;
    });
  }
  ~Emulator() {
    if (pid > 0) StopProcess(pid);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

  bool installed = false;
  bool ready = false;
  uint16_t port = 0;
  pid_t pid = -1;
  std::unique_ptr<httplib::Client> client;
};

// The emulator's history of what the bot sent (and edited) in our chat.
json::array BotMessages(httplib::Client& emulator) {
  auto r = emulator.Post("/getUpdatesHistory", json::serialize(json::object{{"token", kToken}}),
                         "application/json");
  json::array out;
  if (!r || r->status != 200) return out;
  json::value history = json::parse(r->body);  // kept alive for the loop
  for (auto& item : history.at("result").as_array()) {
    const json::object& o = item.as_object();
    if (!o.contains("message") || !o.at("message").as_object().contains("chat_id")) continue;
    const json::value& chat = o.at("message").at("chat_id");
    if ((chat.is_int64() && chat.as_int64() == kChat) ||
        (chat.is_string() && chat.as_string() == std::to_string(kChat)))
      out.push_back(item);
  }
  return out;
}

// quell serve's options to talk to `telegram`, kUser allowed to press, then `extra`.
std::vector<std::string> EmulatorOptions(const Emulator& telegram, std::vector<std::string> extra) {
  std::vector<std::string> args = {"--set", std::string("telegram.bot_token=") + kToken,
                                   "--set", "telegram.chat_ids=" + std::to_string(kChat),
                                   "--set", "telegram.allowed_user_ids=" + std::to_string(kUser),
                                   "--set", "telegram.api_url=" + telegram.url()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// The bot's first message in kChat (an incident card), once it came.
std::optional<json::object> FirstCard(httplib::Client& emulator) {
  json::object card;
  const bool came = Eventually([&] {
    auto messages = BotMessages(emulator);
    if (messages.empty()) return false;
    card = messages.front().as_object();
    return true;
  });
  if (!came) return std::nullopt;
  return card;
}

// The team member kUser presses a button of the bot's message `message_id`.
bool PressButton(httplib::Client& emulator, int64_t message_id, const std::string& data) {
  json::object press{{"botToken", kToken},
                     {"from", {{"id", kUser}, {"first_name", "Dana"}, {"username", "dana"}}},
                     {"message", {{"message_id", message_id}, {"chat", {{"id", kChat}}}}},
                     {"data", data}};
  auto pressed = emulator.Post("/sendCallback", json::serialize(press), "application/json");
  return pressed && pressed->status == 200;
}

TEST(TelegramEndToEnd, CardButtonPressAcknowledgesAndTheCardIsEdited) {
  ServerProcess quell;  // for its temp dir; started below
  Emulator telegram(quell.data_dir());
  ASSERT_TRUE(telegram.installed) << "telegram-test-api is not installed: run scripts/deps.sh --test";
  ASSERT_TRUE(telegram.ready) << "the emulator did not start";
  httplib::Client& emulator = *telegram.client;

  ASSERT_TRUE(quell.Start(EmulatorOptions(telegram, {"--set", "analysis.delay=0s"})))
      << quell.log();
  const std::string token = quell.admin_token();

  auto ingested = quell.Post("/api/v1/alerts",
                             R"({"service":"api-gateway","error":"Redis timeout <b>&","severity":"critical","latency":4200,"deploy":"441"})",
                             token);
  ASSERT_EQ(ingested.status, 202) << ingested.body;
  const int64_t incident = json::parse(ingested.body).at("incident_id").as_int64();

  // The card arrives with the buttons of a triggered incident.
  auto first = FirstCard(emulator);
  ASSERT_TRUE(first) << quell.log();
  const json::object& card = *first;
  const json::object& message = card.at("message").as_object();
  std::string text(message.at("text").as_string());
  EXPECT_NE(text.find("Redis timeout &lt;b&gt;&amp;"), std::string::npos) << text;
  EXPECT_EQ(message.at("parse_mode").as_string(), "HTML");
  const json::array& row = message.at("reply_markup").at("inline_keyboard").at(0).as_array();
  ASSERT_EQ(row.size(), 3u);
  const std::string ack_data(row.at(0).at("callback_data").as_string());
  EXPECT_EQ(ack_data, "ack:" + std::to_string(incident));
  const int64_t message_id = card.at("messageId").as_int64();

  // A team member presses "Acknowledge".
  ASSERT_TRUE(PressButton(emulator, message_id, ack_data));

  ASSERT_TRUE(Eventually([&] {
    auto r = quell.Get("/api/v1/incidents/" + std::to_string(incident), token);
    return r.status == 200 &&
           json::parse(r.body).at("status").as_string() == "acknowledged";
  })) << quell.log();
  auto detail = json::parse(quell.Get("/api/v1/incidents/" + std::to_string(incident), token).body);
  EXPECT_EQ(detail.at("acked_by").as_string(), "telegram:@dana");

  // The same card now says so, with the acknowledged keyboard; no second card was sent.
  ASSERT_TRUE(Eventually([&] {
    auto messages = BotMessages(emulator);
    if (messages.size() != 1) return false;
    const json::object& m = messages.front().at("message").as_object();
    std::string edited(m.at("text").as_string());
    if (edited.find("Acknowledged by telegram:@dana") == std::string::npos) return false;
    const json::array& keys = m.at("reply_markup").at("inline_keyboard").at(0).as_array();
    return keys.size() == 2 && keys.at(0).at("callback_data").as_string() ==
                                   "res:" + std::to_string(incident);
  })) << quell.log();
  EXPECT_EQ(BotMessages(emulator).size(), 1u);
  // /metrics counts the deliveries (the card, then its edit), each outcome from the start.
  std::string m;
  EXPECT_TRUE(Eventually([&] {  // the job counts once the edit's answer is back
    m = quell.Get("/metrics", "").body;
    return MetricSample(m, R"(quell_notifications_total{channel="telegram",outcome="delivered"})")
               .value_or(0) >= 2;
  })) << m;
  EXPECT_EQ(MetricSample(m, R"(quell_notifications_total{channel="telegram",outcome="rejected"})"),
            0.0);

  // The bot token never reaches the log.
  EXPECT_EQ(quell.log().find(kToken), std::string::npos);
  EXPECT_EQ(quell.Stop(), 0);
}

// "Silence like this…", then 1h: a silence created by the Telegram user silences the incident
// (silenced_by in the API) and its card is edited to say so.
TEST(TelegramEndToEnd, SilenceLikeThisSilencesAndTheCardSaysSo) {
  ServerProcess quell;
  Emulator telegram(quell.data_dir());
  ASSERT_TRUE(telegram.installed)
      << "telegram-test-api is not installed: run scripts/deps.sh --test";
  ASSERT_TRUE(telegram.ready) << "the emulator did not start";
  httplib::Client& emulator = *telegram.client;
  ASSERT_TRUE(quell.Start(EmulatorOptions(telegram, {"--set", "analysis.delay=1h"})))
      << quell.log();
  const std::string token = quell.admin_token();
  auto ingested =
      quell.Post("/api/v1/alerts", R"({"service":"checkout","error":"card declined"})", token);
  ASSERT_EQ(ingested.status, 202) << ingested.body;
  const std::string incident =
      std::to_string(json::parse(ingested.body).at("incident_id").as_int64());
  auto first = FirstCard(emulator);
  ASSERT_TRUE(first) << quell.log();
  const json::object& card = *first;
  const json::array& rows = card.at("message").at("reply_markup").at("inline_keyboard").as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.at(1).at(0).at("callback_data").as_string(), "slm:" + incident);
  const int64_t message_id = card.at("messageId").as_int64();

  ASSERT_TRUE(PressButton(emulator, message_id, "slm:" + incident));
  ASSERT_TRUE(PressButton(emulator, message_id, "sll:" + incident + ":3600"));
  std::string silence_id;
  ASSERT_TRUE(Eventually([&] {
    auto listed = json::parse(quell.Get("/api/v1/silences", token).body);
    if (listed.at("silences").as_array().empty()) return false;
    const auto& s = listed.at("silences").at(0);
    silence_id = s.at("id").as_string();
    return s.at("created_by") == "telegram:@dana" && s.at("state") == "active";
  })) << quell.log();
  auto detail = json::parse(quell.Get("/api/v1/incidents/" + incident, token).body);
  EXPECT_EQ(detail.at("silenced_by"), json::array{json::value(silence_id)});
  // The card, edited in place, says so; no second card.
  EXPECT_TRUE(Eventually([&] {
    auto messages = BotMessages(emulator);
    if (messages.size() != 1) return false;
    std::string text(messages.front().at("message").at("text").as_string());
    return text.find("Silenced by silence " + silence_id) != std::string::npos;
  })) << quell.log();
  EXPECT_EQ(quell.Stop(), 0);
}

// An alert without a severity: the card takes the analysis's severity (latency 8200 ms:
// critical) in place of UNKNOWN, on the one card of the incident.
TEST(TelegramEndToEnd, TheCardShowsTheAnalysisSeverityWhenTheAlertCarriesNone) {
  ServerProcess quell;
  Emulator telegram(quell.data_dir());
  ASSERT_TRUE(telegram.installed) << "telegram-test-api is not installed: run scripts/deps.sh --test";
  ASSERT_TRUE(telegram.ready) << "the emulator did not start";
  httplib::Client& emulator = *telegram.client;
  ASSERT_TRUE(quell.Start({"--set", std::string("telegram.bot_token=") + kToken,
                           "--set", "telegram.chat_ids=" + std::to_string(kChat),
                           "--set", "telegram.api_url=" + telegram.url(),
                           "--set", "analysis.delay=0s"}))
      << quell.log();
  const std::string token = quell.admin_token();
  auto ingested = quell.Post("/api/v1/alerts",
                             R"({"service":"checkout","error":"HTTP 5xx from upstream","latency":8200})",
                             token);
  ASSERT_EQ(ingested.status, 202) << ingested.body;
  const int64_t incident = json::parse(ingested.body).at("incident_id").as_int64();

  std::string text;
  ASSERT_TRUE(Eventually([&] {
    auto messages = BotMessages(emulator);
    if (messages.size() != 1) return false;
    text = std::string(messages.front().at("message").at("text").as_string());
    return text.find("[CRITICAL]") != std::string::npos;
  })) << text << "\n" << quell.log();
  EXPECT_EQ(text.find("UNKNOWN"), std::string::npos) << text;
  auto detail = json::parse(quell.Get("/api/v1/incidents/" + std::to_string(incident), token).body);
  EXPECT_EQ(detail.at("severity"), "critical");
  EXPECT_EQ(detail.at("analysis").at("severity"), "critical");
  EXPECT_EQ(BotMessages(emulator).size(), 1u);
  EXPECT_EQ(quell.Stop(), 0);
}

// Webhook mode: Telegram POSTs updates to /telegram/webhook with the secret it was given. (The
// emulator does not send the secret header, so the test posts the update itself.)
TEST(TelegramEndToEnd, WebhookModeActsOnlyWithTheSecret) {
  ServerProcess quell;
  Emulator telegram(quell.data_dir());
  ASSERT_TRUE(telegram.installed) << "telegram-test-api is not installed: run scripts/deps.sh --test";
  ASSERT_TRUE(telegram.ready) << "the emulator did not start";
  const std::string secret = "webhook-secret-123";
  ASSERT_TRUE(quell.Start({"--set", std::string("telegram.bot_token=") + kToken,
                           "--set", "telegram.chat_ids=" + std::to_string(kChat),
                           "--set", "telegram.api_url=" + telegram.url(),
                           "--set", "telegram.mode=webhook",
                           "--set", "telegram.webhook_secret=" + secret,
                           "--set", "public_url=http://127.0.0.1:9"}))
      << quell.log();
  const std::string token = quell.admin_token();
  auto ingested = quell.Post("/api/v1/alerts", R"({"service":"checkout","error":"disk full"})", token);
  ASSERT_EQ(ingested.status, 202);
  const int64_t incident = json::parse(ingested.body).at("incident_id").as_int64();

  std::string update = json::serialize(json::object{
      {"update_id", 1},
      {"callback_query",
       {{"id", "77"},
        {"from", {{"id", kUser}, {"first_name", "Dana"}}},
        {"message", {{"message_id", 1}, {"chat", {{"id", kChat}}}}},
        {"data", "res:" + std::to_string(incident)}}}});
  auto client = quell.NewClient();
  auto wrong = client->Post("/telegram/webhook", {{"X-Telegram-Bot-Api-Secret-Token", "nope"}},
                            update, "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_NE(wrong->body.find("x-telegram-bot-api-secret-token"), std::string::npos);
  auto status = [&] {
    return std::string(json::parse(quell.Get("/api/v1/incidents/" + std::to_string(incident), token).body)
                           .at("status").as_string());
  };
  EXPECT_EQ(status(), "triggered");
  auto right = client->Post("/telegram/webhook", {{"X-Telegram-Bot-Api-Secret-Token", secret}},
                            update, "application/json");
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200) << right->body;
  // The webhook is answered at once; the press is acted on (and answered) from a worker.
  EXPECT_TRUE(Eventually([&] { return status() == "resolved"; }));
  EXPECT_EQ(quell.log().find(secret), std::string::npos);
  EXPECT_EQ(quell.Stop(), 0);
}

}  // namespace
}  // namespace quell::testing
