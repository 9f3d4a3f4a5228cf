// Network and model calls never run on the HTTP I/O threads (issue 20, item 4): a slow model
// behind POST /api/v1/incidents/{id}/analyze, or a slow Telegram behind a webhook button press,
// must not hold up a POST /api/v1/alerts sent meanwhile. The server has two I/O threads, so each
// test keeps two slow requests in flight (before the fix, one on each thread) and then times an
// ingest against a deadline well under the slow answer's delay.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include <boost/json.hpp>

#include "common/time_format.h"
#include "fake_ollama.h"
#include "fake_telegram.h"
#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kSlowMs = 4000;                       // the slow answer
constexpr milliseconds kIngestDeadline{1500};        // well under it
constexpr const char* kAlert = R"({"service":"api-gateway","error":"Redis timeout","latency":4200,"deploy":"441"})";
constexpr const char* kAnswer = R"({"root_cause":"Redis pool exhausted by release 441","severity":"high",
  "impact":"Checkout is slow","recommended_actions":["Rollback deployment #441"],"confidence":0.7,
  "summary":"x","suspects":{"deploys":[{"id":"441","service":"api-gateway"}],"services":[]}})";

// Posts an alert and returns how long the server took to answer it (202 expected).
milliseconds TimeIngest(const ServerProcess& server, const std::string& token) {
  const auto start = Clock::now();
  auto r = server.Post("/api/v1/alerts", R"({"service":"billing","error":"card declined"})", token);
  EXPECT_EQ(r.status, 202) << r.body;
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

int64_t SeedIncident(const ServerProcess& server, const std::string& token) {
  auto r = server.Post("/api/v1/alerts", kAlert, token);
  EXPECT_EQ(r.status, 202) << r.body;
  return json::parse(r.body).at("incident_id").as_int64();
}

size_t ChatRequests(FakeOllama& model) {
  size_t n = 0;
  for (const auto& r : model.recorded()) n += r.path == "/api/chat";
  return n;
}

TEST(IoThreads, AnalyzeWithASlowModelDoesNotStallIngest) {
  FakeOllama model;
  for (int i = 0; i < 2; ++i) model.Push({200, OllamaReply(kAnswer), "application/json", kSlowMs});
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", "llm.provider=ollama", "--set", "llm.url=" + model.url(),
                            "--set", "llm.concurrency=2", "--set", "llm.timeout_s=30",
                            "--set", "analysis.delay=1h"}))
      << server.log();
  const std::string token = server.admin_token();
  const std::string path = "/api/v1/incidents/" + std::to_string(SeedIncident(server, token)) + "/analyze";

  // Two re-analyses, each waiting on the model (by default the request waits for the answer).
  std::atomic<int> answered{0};
  HttpResult results[2];
  std::thread analyses[2];
  for (int i = 0; i < 2; ++i)
    analyses[i] = std::thread([&, i] {
      results[i] = server.Post(path, "", token);
      ++answered;
    });
  ASSERT_TRUE(WaitUntil([&] { return ChatRequests(model) >= 2; }, milliseconds(10000)))
      << "both analyses reach the model";
  EXPECT_LT(TimeIngest(server, token), kIngestDeadline) << "ingest waited for the model";
  EXPECT_EQ(answered.load(), 0) << "the model has not answered yet, so neither has /analyze";
  for (auto& t : analyses) t.join();
  for (const auto& r : results) {
    ASSERT_EQ(r.status, 200) << r.body;  // compatible: the Analysis itself once the model answers
    EXPECT_EQ(json::parse(r.body).at("analyzer"), "ollama:gemma4:e4b") << r.body;
  }
  EXPECT_EQ(server.Stop(), 0);
}

TEST(IoThreads, AnalyzeAnswers202WithWhereToLookAndTheAnalysisLandsOnTheIncident) {
  FakeOllama model;
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", "llm.provider=ollama", "--set", "llm.url=" + model.url(),
                            "--set", "llm.timeout_s=30", "--set", "analysis.delay=1h"}))
      << server.log();
  const std::string token = server.admin_token();
  const int64_t id = SeedIncident(server, token);
  const std::string incident = "/api/v1/incidents/" + std::to_string(id);

  // wait=0: queued, answered at once.
  model.Push({200, OllamaReply(kAnswer), "application/json", 1000});
  auto start = Clock::now();
  auto queued = server.Post(incident + "/analyze?wait=0", "", token);
  EXPECT_LT(Clock::now() - start, kIngestDeadline);
  ASSERT_EQ(queued.status, 202) << queued.body;
  auto body = json::parse(queued.body);
  EXPECT_EQ(body.at("incident_id").as_int64(), id);
  EXPECT_EQ(body.at("poll").as_string(), incident);
  EXPECT_TRUE(body.at("status") == "queued" || body.at("status") == "running") << body;
  const auto requested_at = ParseRfc3339(std::string(body.at("requested_at").as_string()));
  ASSERT_TRUE(requested_at) << body;
  auto landed = [&] {
    auto detail = json::parse(server.Get(incident, token).body);
    const auto* analysis = detail.as_object().if_contains("analysis");
    return analysis && analysis->is_object() && analysis->at("analyzer") == "ollama:gemma4:e4b" &&
           ParseRfc3339(std::string(analysis->at("created_at").as_string())).value_or(0) >=
               *requested_at;
  };
  EXPECT_TRUE(WaitUntil(landed, milliseconds(15000))) << server.Get(incident, token).body;

  // wait=1 with a model that takes longer: 202 "running" after about a second, then it lands.
  model.Push({200, OllamaReply(kAnswer), "application/json", kSlowMs});
  start = Clock::now();
  auto running = server.Post(incident + "/analyze?wait=1", "", token);
  const auto took = Clock::now() - start;
  ASSERT_EQ(running.status, 202) << running.body;
  EXPECT_EQ(json::parse(running.body).at("status"), "running");
  EXPECT_GE(took, milliseconds(900));
  EXPECT_LT(took, milliseconds(kSlowMs));

  // Bad values of wait are refused naming the field.
  auto bad = server.Post(incident + "/analyze?wait=soon", "", token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"wait\""), std::string::npos) << bad.body;
  EXPECT_EQ(server.Post("/api/v1/incidents/999/analyze?wait=0", "", token).status, 404);
  EXPECT_EQ(server.Stop(), 0);
}

TEST(IoThreads, WebhookPressWithASlowTelegramDoesNotStallIngest) {
  constexpr int64_t kChat = -1009001;
  const std::string secret = "webhook-secret-123";
  notify::testing::FakeTelegram telegram;
  for (int i = 0; i < 2; ++i)
    telegram.Script("answerCallbackQuery", {200, R"({"ok":true,"result":true})", kSlowMs});
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", std::string("telegram.bot_token=") + notify::testing::FakeTelegram::kToken,
                            "--set", "telegram.chat_ids=" + std::to_string(kChat),
                            "--set", "telegram.api_url=" + telegram.url(),
                            "--set", "telegram.mode=webhook",
                            "--set", "telegram.webhook_secret=" + secret,
                            "--set", "public_url=http://127.0.0.1:9"}))
      << server.log();
  const std::string token = server.admin_token();
  const int64_t id = SeedIncident(server, token);

  auto press = [&](int update_id) {
    std::string update = json::serialize(json::object{
        {"update_id", update_id},
        {"callback_query",
         {{"id", "cb" + std::to_string(update_id)},
          {"from", {{"id", 5150}, {"first_name", "Dana"}}},
          {"message", {{"message_id", 1}, {"chat", {{"id", kChat}}}}},
          {"data", "ack:" + std::to_string(id)}}}});
    auto client = server.NewClient();
    auto r = client->Post("/telegram/webhook", {{"X-Telegram-Bot-Api-Secret-Token", secret}},
                          update, "application/json");
    return r ? r->status : 0;
  };
  std::atomic<int> answered{0};
  int statuses[2] = {0, 0};
  milliseconds took[2]{};
  std::thread presses[2];
  for (int i = 0; i < 2; ++i)
    presses[i] = std::thread([&, i] {
      const auto start = Clock::now();
      statuses[i] = press(i + 1);
      took[i] = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
      ++answered;
    });
  // Both presses are in: answered, or (before the fix) both waiting on Telegram's slow answer.
  ASSERT_TRUE(WaitUntil([&] {
    return answered == 2 || telegram.Calls("answerCallbackQuery").size() >= 2;
  }, milliseconds(10000)));
  EXPECT_LT(TimeIngest(server, token), kIngestDeadline) << "ingest waited for Telegram";
  for (auto& t : presses) t.join();
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(statuses[i], 200);
    EXPECT_LT(took[i], kIngestDeadline) << "the webhook is answered at once";
  }
  // The presses are still acted on and answered, from a worker.
  EXPECT_TRUE(WaitUntil([&] {
    return json::parse(server.Get("/api/v1/incidents/" + std::to_string(id), token).body)
               .at("status") == "acknowledged";
  }, milliseconds(10000)));
  EXPECT_TRUE(telegram.WaitForCalls("answerCallbackQuery", 2, 3 * kSlowMs));
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace quell::testing
