// FakeOllama: a fake Ollama server for tests, on 127.0.0.1 (a free port). It speaks the real
// API's shape: POST /api/chat answers from a script (status, body, content type, delay) and
// records the requests; GET /api/tags lists the configured models; GET /api/version answers.
// There are no model weights on these machines; this is the stand-in. Header-only, test-only.
#pragma once

#include <httplib.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace quell::testing {

struct Scripted {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  int delay_ms = 0;
};

// A fake Ollama: answers /api/chat from a script, records the requests.
class FakeOllama {
 public:
  FakeOllama() {
    server_.Post("/api/chat", [this](const httplib::Request& req, httplib::Response& res) {
      Scripted next;
      {
        std::lock_guard lock(mu_);
        requests_.push_back(req.body);
        if (!script_.empty()) {
          next = script_.front();
          script_.pop_front();
        } else {
          next = {404, R"({"error":"model 'gemma4:e4b' not found"})"};
        }
      }
      if (next.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(next.delay_ms));
      res.status = next.status;
      res.set_content(next.body, next.content_type);
    });
    server_.Get("/api/tags", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mu_);
      std::string models;
      for (const auto& m : models_) models += (models.empty() ? "" : ",") + std::string("{\"name\":\"") + m + "\"}";
      res.set_content("{\"models\":[" + models + "]}", "application/json");
    });
    server_.Get("/api/version", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"version":"0.33.0"})", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // Stopping a server that has not started listening yet would leave the thread blocked.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeOllama() {
    server_.stop();
    thread_.join();
  }
  void Push(Scripted s) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(s));
  }
  void SetModels(std::vector<std::string> models) {
    std::lock_guard lock(mu_);
    models_ = std::move(models);
  }
  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::deque<Scripted> script_;
  std::vector<std::string> requests_;
  std::vector<std::string> models_ = {"gemma4:e4b"};
};

}  // namespace quell::testing
