// FakeOllama: a fake model server for tests, on 127.0.0.1 (a free port). It speaks both APIs
// Quell uses, in their real shapes: Ollama's POST /api/chat, GET /api/tags and /api/version,
// POST /api/show, and the OpenAI-compatible POST /v1/chat/completions and GET /v1/models. Chat
// requests of either kind are answered from one script (status, body, content type, delay) and
// recorded (path, body, Authorization header); it also counts how many chats ran at once. There are
// no model weights on these machines; this is the stand-in. Header-only, test-only.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <boost/json.hpp>
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

struct RecordedRequest {
  std::string path;
  std::string body;
  std::string authorization;
};

// A tool call as the model would make it: name and arguments (a JSON object as text).
struct FakeToolCall {
  std::string name;
  std::string arguments = "{}";
};

// A non-streamed /api/chat reply.
inline std::string OllamaReply(const std::string& content, const std::string& done_reason = "stop",
                               const std::vector<FakeToolCall>& calls = {}) {
  namespace json = boost::json;
  json::object message{{"role", "assistant"}, {"content", content}};
  if (!calls.empty()) {
    json::array out;
    for (const auto& c : calls)
      out.push_back(json::object{
          {"function", json::object{{"name", c.name}, {"arguments", json::parse(c.arguments)}}}});
    message["tool_calls"] = std::move(out);
  }
  return json::serialize(json::object{{"model", "gemma4:e4b"},
                                      {"message", std::move(message)},
                                      {"done", true},
                                      {"done_reason", done_reason}});
}

// A /v1/chat/completions reply (arguments are a string there, and content null with tool calls).
inline std::string OpenAiReply(const std::string& content,
                               const std::string& finish_reason = "stop",
                               const std::vector<FakeToolCall>& calls = {}) {
  namespace json = boost::json;
  json::object message{{"role", "assistant"}};
  message["content"] = calls.empty() ? json::value(content.c_str()) : json::value(nullptr);
  if (!calls.empty()) {
    json::array out;
    int n = 0;
    for (const auto& c : calls)
      out.push_back(
          json::object{{"id", "call_" + std::to_string(++n)},
                       {"type", "function"},
                       {"function", json::object{{"name", c.name}, {"arguments", c.arguments}}}});
    message["tool_calls"] = std::move(out);
  }
  return json::serialize(json::object{
      {"id", "chatcmpl-1"},
      {"object", "chat.completion"},
      {"model", "gemma4:e4b"},
      {"choices",
       json::array{json::object{
           {"index", 0}, {"message", std::move(message)}, {"finish_reason", finish_reason}}}}});
}

class FakeOllama {
 public:
  FakeOllama() {
    auto chat = [this](const httplib::Request& req, httplib::Response& res) {
      Scripted next;
      {
        std::lock_guard lock(mu_);
        requests_.push_back({req.path, req.body, req.get_header_value("Authorization")});
        max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
        if (!script_.empty()) {
          next = script_.front();
          script_.pop_front();
        } else {
          next = {404, R"({"error":"model 'gemma4:e4b' not found"})"};
        }
      }
      if (next.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(next.delay_ms));
      {
        std::lock_guard lock(mu_);
        --in_flight_;
      }
      res.status = next.status;
      res.set_content(next.body, next.content_type);
    };
    server_.Post("/api/chat", chat);
    server_.Post("/v1/chat/completions", chat);
    server_.Get("/api/tags", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mu_);
      res.set_content("{\"models\":[" + ModelList("name") + "]}", "application/json");
    });
    server_.Get("/v1/models", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      if (!api_key_.empty() && req.get_header_value("Authorization") != "Bearer " + api_key_) {
        res.status = 401;
        // Like some gateways, it echoes the key it got: clients must not repeat it.
        res.set_content(R"({"error":{"message":"invalid key )" +
                            req.get_header_value("Authorization") +
                            R"(","type":"invalid_request_error"}})",
                        "application/json");
        return;
      }
      res.set_content("{\"object\":\"list\",\"data\":[" + ModelList("id") + "]}",
                      "application/json");
    });
    server_.Post("/api/show", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      auto model = boost::json::parse(req.body).at("model").as_string();
      if (std::find(models_.begin(), models_.end(), model) == models_.end()) {
        res.status = 404;
        res.set_content("{\"error\":\"model '" + std::string(model) + "' not found\"}",
                        "application/json");
        return;
      }
      boost::json::array caps;
      for (const auto& c : capabilities_) caps.emplace_back(c);
      res.set_content(boost::json::serialize(boost::json::object{{"capabilities", caps}}),
                      "application/json");
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
  // Scripted answers not yet taken.
  size_t pending() {
    std::lock_guard lock(mu_);
    return script_.size();
  }
  void SetModels(std::vector<std::string> models) {
    std::lock_guard lock(mu_);
    models_ = std::move(models);
  }
  // What /api/show says the models can do.
  void SetCapabilities(std::vector<std::string> capabilities) {
    std::lock_guard lock(mu_);
    capabilities_ = std::move(capabilities);
  }
  // /v1/models then wants `Authorization: Bearer <key>`.
  void RequireApiKey(std::string key) {
    std::lock_guard lock(mu_);
    api_key_ = std::move(key);
  }
  // Chat request bodies, in arrival order.
  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& r : requests_) out.push_back(r.body);
    return out;
  }
  std::vector<RecordedRequest> recorded() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  int max_in_flight() {
    std::lock_guard lock(mu_);
    return max_in_flight_;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  // [{"<key>": "<model>"}, ...] without the brackets. Call with mu_ held.
  std::string ModelList(const char* key) {
    std::string out;
    for (const auto& m : models_)
      out += (out.empty() ? "" : ",") + std::string("{\"") + key + "\":\"" + m + "\"}";
    return out;
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::deque<Scripted> script_;
  std::vector<RecordedRequest> requests_;
  std::vector<std::string> models_ = {"gemma4:e4b"};
  std::vector<std::string> capabilities_ = {"completion", "tools", "thinking"};
  std::string api_key_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

}  // namespace quell::testing
