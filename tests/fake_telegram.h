// FakeTelegram: a Bot API server for tests on 127.0.0.1 (a free port), covering what the npm
// emulator cannot: scripted errors (429 with retry_after, 400 "message is not modified" and
// "can't parse entities", 403, 409, 5xx), slow or held answers, and real long polling of getUpdates.
// It records every call. Header-only, test-only.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

namespace quell::notify::testing {

struct FakeReply {
  int status = 200;
  std::string body;
  int delay_ms = 0;
  bool hold = false;  // answered only at ReleaseHeld() (or teardown): a request left in flight
};

struct FakeCall {
  std::string method;
  boost::json::object body;
  int status = 0;  // the HTTP status answered (0 while the answer is being made)
};

class FakeTelegram {
 public:
  static constexpr const char* kToken = "123456:TEST-token-secret";

  FakeTelegram() {
    server_.Post(R"(/bot([^/]+)/(\w+))", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string token = req.matches[1];
      const std::string method = req.matches[2];
      if (token != kToken) {
        res.status = 401;
        res.set_content(R"({"ok":false,"error_code":401,"description":"Unauthorized"})", "application/json");
        return;
      }
      boost::system::error_code ec;
      auto parsed = boost::json::parse(req.body, ec);
      FakeCall call{method, !ec && parsed.is_object() ? parsed.as_object() : boost::json::object{},
                    0};
      FakeReply reply;
      bool scripted = false;
      size_t index = 0;
      {
        std::lock_guard lock(mu_);
        index = calls_.size();
        calls_.push_back(call);
        // A reply scripted for this method and chat goes first (ScriptForChat).
        auto* chosen = &script_[method];
        if (const auto* chat = call.body.if_contains("chat_id"); chat && chat->is_int64()) {
          auto& for_chat = script_[method + ":" + std::to_string(chat->as_int64())];
          if (!for_chat.empty()) chosen = &for_chat;
        }
        auto& queue = *chosen;
        if (!queue.empty()) {
          reply = queue.front();
          queue.pop_front();
          scripted = true;
        }
      }
      cv_.notify_all();
      if (reply.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(reply.delay_ms));
      if (reply.hold) {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return closing_ || released_; });
      }
      if (!scripted) reply = Default(method, call.body);
      {
        std::lock_guard lock(mu_);
        calls_[index].status = reply.status;
      }
      res.status = reply.status;
      res.set_content(reply.body, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeTelegram() {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
    }
    cv_.notify_all();
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The `quell serve` flags that send chat `chat`'s cards to this fake.
  std::vector<std::string> ServeFlags(int64_t chat) const {
    return {"--set", std::string("telegram.bot_token=") + kToken, "--set",
            "telegram.chat_ids=" + std::to_string(chat), "--set", "telegram.api_url=" + url()};
  }
  // Every sendMessage is left in flight (answered at ReleaseHeld) as message `message_id`.
  void HoldSends(int64_t message_id, int64_t chat) {
    FakeReply held{200, R"({"ok":true,"result":{"message_id":)" + std::to_string(message_id) +
                            R"(,"chat":{"id":)" + std::to_string(chat) + "}}}"};
    held.hold = true;
    Script("sendMessage", held);
  }
  void Script(const std::string& method, FakeReply reply) {
    std::lock_guard lock(mu_);
    script_[method].push_back(std::move(reply));
  }
  // A reply for the next call of `method` to chat `chat_id` only (a 403 to a direct message).
  void ScriptForChat(const std::string& method, int64_t chat_id, FakeReply reply) {
    Script(method + ":" + std::to_string(chat_id), std::move(reply));
  }
  // Answers the requests held by a FakeReply with `hold`.
  void ReleaseHeld() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }
  // Scripted replies for `method` not yet taken.
  size_t PendingScript(const std::string& method) {
    std::lock_guard lock(mu_);
    auto it = script_.find(method);
    return it == script_.end() ? 0 : it->second.size();
  }
  // A press of a button, delivered to the next getUpdates. In a direct message, chat_id is
  // the user's id.
  void PushCallback(int64_t update_id, int64_t user_id, int64_t chat_id, int64_t message_id,
                    const std::string& data) {
    boost::json::object update{
        {"update_id", update_id},
        {"callback_query",
         {{"id", "cb" + std::to_string(update_id)},
          {"from", {{"id", user_id}, {"is_bot", false}, {"first_name", "Alice"}, {"username", "alice"}}},
          {"message", {{"message_id", message_id}, {"chat", {{"id", chat_id}, {"type", "group"}}}}},
          {"chat_instance", "1"},
          {"data", data}}}};
    Push(std::move(update));
  }
  // A text message (a command) in a chat, delivered to the next getUpdates.
  void PushMessage(int64_t update_id, int64_t user_id, int64_t chat_id, int64_t message_id,
                   const std::string& text) {
    Push(boost::json::object{
        {"update_id", update_id},
        {"message",
         {{"message_id", message_id},
          {"from", {{"id", user_id}, {"is_bot", false}, {"first_name", "Alice"}}},
          {"chat", {{"id", chat_id}, {"type", "group"}}},
          {"date", 1700000000},
          {"text", text}}}});
  }
  std::vector<FakeCall> Calls(const std::string& method = "") {
    std::lock_guard lock(mu_);
    std::vector<FakeCall> out;
    for (const auto& c : calls_)
      if (method.empty() || c.method == method) out.push_back(c);
    return out;
  }
  // Waits until `method` was called at least `n` times.
  bool WaitForCalls(const std::string& method, size_t n, int timeout_ms = 10000) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
      size_t k = 0;
      for (const auto& c : calls_) k += c.method == method;
      return k >= n;
    });
  }

 private:
  void Push(boost::json::object update) {
    {
      std::lock_guard lock(mu_);
      updates_.push_back(std::move(update));
    }
    cv_.notify_all();
  }

  FakeReply Default(const std::string& method, const boost::json::object& body) {
    using boost::json::serialize;
    if (method == "sendMessage") {
      std::lock_guard lock(mu_);
      boost::json::object message{{"message_id", ++next_message_id_},
                                  {"chat", {{"id", body.contains("chat_id") ? body.at("chat_id") : 0}}},
                                  {"text", body.contains("text") ? body.at("text") : ""}};
      return {200, serialize(boost::json::object{{"ok", true}, {"result", message}})};
    }
    if (method == "getUpdates") return LongPoll(body);
    if (method == "editMessageText")
      return {200, R"({"ok":true,"result":{"message_id":1}})"};
    return {200, R"({"ok":true,"result":true})"};
  }

  // Answers at once when updates at or after the offset are waiting, else waits up to the
  // request's timeout for one, like Telegram.
  FakeReply LongPoll(const boost::json::object& body) {
    int64_t offset = body.contains("offset") && body.at("offset").is_int64() ? body.at("offset").as_int64() : 0;
    int timeout_s = body.contains("timeout") && body.at("timeout").is_int64()
                        ? static_cast<int>(body.at("timeout").as_int64()) : 0;
    std::unique_lock lock(mu_);
    auto pending = [&] {
      boost::json::array out;
      for (const auto& u : updates_)
        if (u.at("update_id").as_int64() >= offset) out.push_back(u);
      return out;
    };
    cv_.wait_for(lock, std::chrono::seconds(timeout_s), [&] { return closing_ || !pending().empty(); });
    // Telegram forgets updates before the offset once it is confirmed.
    std::erase_if(updates_, [&](const boost::json::object& u) { return u.at("update_id").as_int64() < offset; });
    return {200, boost::json::serialize(boost::json::object{{"ok", true}, {"result", pending()}})};
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool closing_ = false;
  bool released_ = false;
  std::map<std::string, std::deque<FakeReply>> script_;
  std::vector<FakeCall> calls_;
  std::deque<boost::json::object> updates_;
  int64_t next_message_id_ = 100;
};

}  // namespace quell::notify::testing
