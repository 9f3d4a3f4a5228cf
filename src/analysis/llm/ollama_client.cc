// The LlmClient for Ollama's native API: POST /api/chat, GET /api/version and /api/tags.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>

#include "analysis/llm/model_server.h"

namespace quell::analysis::llm {
namespace {

namespace json = boost::json;

json::value ParseOr(std::string_view text, json::value fallback) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? fallback : v;
}

json::object MessageJson(const ChatMessage& m) {
  json::object out{{"role", m.role}, {"content", m.content}};
  if (!m.tool_calls.empty()) {
    json::array calls;
    for (const auto& c : m.tool_calls)
      calls.push_back(json::object{
          {"function",
           json::object{{"name", c.name}, {"arguments", ParseOr(c.arguments, json::object{})}}}});
    out["tool_calls"] = std::move(calls);
  }
  if (!m.tool_name.empty()) out["tool_name"] = m.tool_name;
  return out;
}

// Reads one /api/chat object (the whole reply, or one NDJSON line) into `answer`.
void ReadChatObject(const json::object& o, ChatAnswer& answer) {
  if (const auto* m = o.if_contains("message"); m && m->is_object()) {
    const auto& message = m->get_object();
    if (const auto* c = message.if_contains("content"); c && c->is_string())
      answer.content += std::string(c->get_string());
    if (const auto* calls = message.if_contains("tool_calls"); calls && calls->is_array())
      for (const auto& call : calls->get_array()) {
        const auto* f = call.is_object() ? call.get_object().if_contains("function") : nullptr;
        if (!f || !f->is_object()) continue;
        ToolCall tc;
        if (const auto* n = f->get_object().if_contains("name"); n && n->is_string())
          tc.name = std::string(n->get_string());
        if (const auto* a = f->get_object().if_contains("arguments"))
          tc.arguments = a->is_string() ? std::string(a->get_string()) : json::serialize(*a);
        answer.tool_calls.push_back(std::move(tc));
      }
  }
  if (const auto* r = o.if_contains("done_reason"); r && r->is_string())
    answer.done_reason = std::string(r->get_string());
}

class OllamaClient final : public LlmClient {
 public:
  OllamaClient(net::HttpClient& http, LlmClientOptions options)
      : http_(http), options_(std::move(options)) {}

  Result<ChatAnswer> Chat(const ChatRequest& chat) override {
    json::array messages;
    for (const auto& m : chat.messages) messages.push_back(MessageJson(m));
    json::object body{{"model", options_.model},
                      {"messages", std::move(messages)},
                      {"stream", options_.stream},
                      {"options", json::object{{"num_ctx", options_.num_ctx},
                                               {"temperature", 0},
                                               {"seed", options_.seed},
                                               {"num_predict", options_.max_answer_tokens}}}};
    if (!chat.answer_schema.empty()) body["format"] = json::parse(chat.answer_schema);
    if (!chat.tools.empty()) body["tools"] = json::parse(ToolsJson(chat.tools));
    // Thinking off: it spends the token budget and fights the format grammar. A model that cannot
    // think at all (Gemma 3, Qwen 2.5) answers 400 to any `think`; then it is left out for good.
    if (send_think_) {
      body["think"] = false;
      auto answer = Post(body);
      if (answer || answer.error().message().find("does not support thinking") == std::string::npos)
        return answer;
      send_think_ = false;
      body.erase("think");
    }
    return Post(body);
  }

  Result<ChatAnswer> Post(const json::object& body) {
    net::HttpClientRequest request;
    request.body = json::serialize(body);

    ChatAnswer answer;
    std::string stream_error, pending;
    if (options_.stream) {
      // NDJSON: one object per line; a line may carry {"error": ...} after a 200.
      request.on_data = [&](std::string_view piece) {
        pending.append(piece);
        for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
          auto v = ParseOr(std::string_view(pending).substr(0, nl), nullptr);
          if (!v.is_object()) continue;
          if (const auto* e = v.get_object().if_contains("error"); e && e->is_string()) {
            stream_error = std::string(e->get_string());
            return false;
          }
          ReadChatObject(v.get_object(), answer);
        }
        return true;
      };
    }
    QUELL_ASSIGN_OR_RETURN(auto response,
                           SendToModelServer(http_, options_, "/api/chat", std::move(request)));
    if (!stream_error.empty())
      return Error(Unavailable("the model failed mid-answer: " + stream_error));
    if (!options_.stream) {
      auto v = ParseOr(response.body, nullptr);
      if (!v.is_object()) return Error(InvalidArgument("the model server's reply is not JSON"));
      ReadChatObject(v.get_object(), answer);
    }
    return answer;
  }

  Result<ServerCheck> Check() override {
    auto version = CheckWithModelServer(http_, options_, "/api/version");
    if (!version) return Error(Unavailable("no Ollama at llm.url: " + version.error().message()));
    std::string running = "Ollama";
    auto v = ParseOr(version->body, nullptr);
    if (v.is_object())
      if (const auto* s = v.get_object().if_contains("version"); s && s->is_string())
        running += " " + std::string(s->get_string());
    QUELL_ASSIGN_OR_RETURN(auto tags, CheckWithModelServer(http_, options_, "/api/tags"));
    auto list = ParseOr(tags.body, nullptr);
    const json::value* models =
        list.is_object() ? list.get_object().if_contains("models") : nullptr;
    if (models && models->is_array())
      for (const auto& m : models->get_array())
        for (const char* key : {"name", "model"}) {
          const auto* n = m.is_object() ? m.get_object().if_contains(key) : nullptr;
          if (n && n->is_string() &&
              (n->get_string() == options_.model || n->get_string() == options_.model + ":latest"))
            return Capabilities(running + " has " + options_.model);
        }
    return Error(
        Unavailable(fmt::format("{} is running but does not have model {}; run: ollama "
                                "pull {}",
                                running, options_.model, options_.model)));
  }

  std::string name() const override { return "ollama:" + options_.model; }

  const LlmClientOptions& options() const override { return options_; }

 private:
  // /api/show lists what the model can do (tools, thinking, ...); older servers may not say.
  ServerCheck Capabilities(std::string description) {
    ServerCheck check{std::move(description), {}};
    auto show = CheckWithModelServer(http_, options_, "/api/show",
                                     json::serialize(json::object{{"model", options_.model}}));
    if (!show) return check;
    auto v = ParseOr(show->body, nullptr);
    const json::value* caps = v.is_object() ? v.get_object().if_contains("capabilities") : nullptr;
    if (caps && caps->is_array())
      for (const auto& c : caps->get_array())
        if (c.is_string()) check.capabilities.emplace_back(c.get_string());
    if (!check.capabilities.empty())
      check.description += fmt::format(" ({})", fmt::join(check.capabilities, ", "));
    return check;
  }

  net::HttpClient& http_;
  const LlmClientOptions options_;
  std::atomic<bool> send_think_{true};
};

}  // namespace

std::unique_ptr<LlmClient> NewOllamaClient(net::HttpClient& http, LlmClientOptions options) {
  return std::make_unique<OllamaClient>(http, std::move(options));
}

}  // namespace quell::analysis::llm
