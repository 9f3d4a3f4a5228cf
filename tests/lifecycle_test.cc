// The binary as an operator runs it: help, config sources, clean shutdown, restart, and a crash
// in the middle of concurrent ingest that must not lose an acknowledged alert.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

TEST(Lifecycle, HelpExplainsEveryOption) {
  int code = 0;
  std::string top = RunQuell("--help", &code);
  EXPECT_EQ(code, 0);
  for (const char* word : {"serve", "token", "logmine"}) EXPECT_NE(top.find(word), std::string::npos);
  std::string serve = RunQuell("serve --help", &code);
  EXPECT_EQ(code, 0);
  for (const char* word : {"--listen", "--data-dir", "--config", "QUELL_LISTEN", "QUELL_DATA_DIR",
                           "QUELL_CONFIG", "grouping.window", "QUELL_GROUPING_WINDOW",
                           "grouping.group_by", "grouping.reopen_window", "grouping.flap_threshold"})
    EXPECT_NE(serve.find(word), std::string::npos) << word;
}

TEST(Lifecycle, BadConfigIsAClearErrorNotACrash) {
  ServerProcess server;
  std::string path = server.data_dir() + "/bad.toml";
  std::ofstream(path) << "[grouping]\nwindow = \"whenever\"\n";
  int code = 0;
  std::string out = RunQuell("serve --config " + path + " --data-dir " + server.data_dir() + "/d", &code);
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("bad.toml:2"), std::string::npos) << out;
  EXPECT_NE(out.find("grouping.window"), std::string::npos) << out;
}

TEST(Lifecycle, FirstStartWritesAdminTokenAndRestartKeepsData) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string token = server.admin_token();
  ASSERT_EQ(token.rfind("qk_", 0), 0u);
  struct stat st {};
  ASSERT_EQ(::stat((server.data_dir() + "/data/admin.token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(server.log().find("admin.token"), std::string::npos);  // says where it is
  EXPECT_NE(server.log().find("http://127.0.0.1:"), std::string::npos);

  auto r = server.Post("/api/v1/alerts", R"({"service":"keep","error":"x"})", token);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(server.Stop(), 0) << server.log();  // SIGTERM: clean exit
  EXPECT_NE(server.log().find("stopped cleanly"), std::string::npos);

  ASSERT_TRUE(server.Start()) << server.log();
  EXPECT_EQ(server.admin_token(), token);  // not regenerated
  auto list = server.Get("/api/v1/incidents?service=keep", token);
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("\"keep\""), std::string::npos);
}

TEST(Lifecycle, ConfigFileAndEnvironmentApply) {
  ServerProcess server;
  std::string path = server.data_dir() + "/quell.toml";
  std::ofstream(path) << "[grouping]\ngroup_by = [\"service\"]\n";
  ::setenv("QUELL_GROUPING_REOPEN_WINDOW", "1ms", 1);
  ASSERT_TRUE(server.Start({"--config", path})) << server.log();
  ::unsetenv("QUELL_GROUPING_REOPEN_WINDOW");
  const std::string token = server.admin_token();
  // group_by = service only: different environments share one incident.
  auto a = server.Post("/api/v1/alerts", R"({"service":"cfg","environment":"a","error":"x"})", token);
  auto b = server.Post("/api/v1/alerts", R"({"service":"cfg","environment":"b","error":"y"})", token);
  ASSERT_EQ(a.status, 202);
  ASSERT_EQ(b.status, 202);
  EXPECT_EQ(json::parse(a.body).at("incident_id"), json::parse(b.body).at("incident_id"));
  // reopen window 1 ms from the environment: resolve then fire again -> a new incident.
  server.Post("/api/v1/alerts", R"({"service":"cfg","environment":"a","error":"x","status":"resolved"})", token);
  server.Post("/api/v1/alerts", R"({"service":"cfg","environment":"b","error":"y","status":"resolved"})", token);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the 1 ms window pass
  auto c = server.Post("/api/v1/alerts", R"({"service":"cfg","environment":"a","error":"x"})", token);
  EXPECT_EQ(json::parse(c.body).at("outcome"), "new_incident") << c.body;
}

// Every alert acknowledged with 202 before a SIGKILL is there after restart.
TEST(Lifecycle, KillDuringConcurrentIngestLosesNoAcknowledgedAlert) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string token = server.admin_token();

  std::mutex mu;
  std::map<int64_t, std::set<std::string>> acked;  // incident -> fingerprints
  std::atomic<bool> stop{false};
  std::atomic<int> count{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      auto client = server.NewClient();
      httplib::Headers headers{{"Authorization", "Bearer " + token}};
      for (int n = 0; !stop; ++n) {
        std::string fp = "crash-" + std::to_string(t) + "-" + std::to_string(n);
        std::string body = R"({"service":"crash-)" + std::to_string(t % 2) +
                           R"(","error":"boom","fingerprint":")" + fp + "\"}";
        auto res = client->Post("/api/v1/alerts", headers, body, "application/json");
        if (!res) break;  // the server is gone
        if (res->status != 202) continue;
        auto v = json::parse(res->body);
        std::lock_guard lock(mu);
        acked[v.at("incident_id").as_int64()].insert(fp);
        ++count;
      }
    });
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (count < 2000 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server.Kill();  // SIGKILL mid-stream
  stop = true;
  for (auto& w : writers) w.join();
  ASSERT_GT(count.load(), 100);

  ASSERT_TRUE(server.Start()) << server.log();
  size_t verified = 0;
  for (const auto& [incident, fingerprints] : acked) {
    // Every alert of the incident, page by page.
    std::set<std::string> stored;
    std::string cursor;
    for (;;) {
      auto r = server.Get("/api/v1/incidents/" + std::to_string(incident) +
                              "/alerts?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor),
                          token);
      ASSERT_EQ(r.status, 200) << "incident " << incident << " lost";
      boost::system::error_code ec;
      auto page = json::parse(r.body, ec);
      ASSERT_FALSE(ec) << r.body.substr(0, 300);
      ASSERT_TRUE(page.is_object()) << r.body.substr(0, 300);
      for (const auto& a : page.at("alerts").as_array())
        stored.emplace(a.at("fingerprint").as_string());
      if (page.at("next_cursor").is_null()) break;
      cursor = std::string(page.at("next_cursor").as_string());
    }
    for (const auto& fp : fingerprints) {
      EXPECT_TRUE(stored.count(fp)) << "acknowledged alert " << fp << " lost";
      ++verified;
    }
  }
  EXPECT_EQ(verified, static_cast<size_t>(count.load()));
}

}  // namespace
}  // namespace quell::testing
