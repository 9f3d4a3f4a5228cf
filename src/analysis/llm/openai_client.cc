// The LlmClient for OpenAI-compatible servers (llama.cpp server, vLLM, LocalAI, Ollama's /v1,
// gateways): POST /v1/chat/completions, GET /v1/models. llm.url is the server's base, with or
// without the trailing /v1. Non-streamed only: the answer is one small JSON object.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "analysis/llm/model_server.h"

namespace quell::analysis::llm {
namespace {

namespace json = boost::json;

json::object MessageJson(const ChatMessage& m) {
  json::object out{{"role", m.role}, {"content", m.content}};
  if (!m.tool_calls.empty()) {
    json::array calls;
    for (const auto& c : m.tool_calls)
      calls.push_back(
          json::object{{"id", c.id},
                       {"type", "function"},
                       {"function", json::object{{"name", c.name}, {"arguments", c.arguments}}}});
    out["tool_calls"] = std::move(calls);
  }
  if (!m.tool_call_id.empty()) out["tool_call_id"] = m.tool_call_id;
  return out;
}

const json::string* StringAt(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? &v->get_string() : nullptr;
}

class OpenAiClient final : public LlmClient {
 public:
  OpenAiClient(net::HttpClient& http, LlmClientOptions options)
      : http_(http), options_(std::move(options)) {
    // Accept the base with or without "/v1".
    while (!options_.url.empty() && options_.url.back() == '/') options_.url.pop_back();
    if (options_.url.ends_with("/v1")) options_.url.resize(options_.url.size() - 3);
  }

  Result<ChatAnswer> Chat(const ChatRequest& chat) override {
    json::array messages;
    for (const auto& m : chat.messages) messages.push_back(MessageJson(m));
    json::object body{{"model", options_.model}, {"messages", std::move(messages)},
                      {"stream", false},         {"temperature", 0},
                      {"seed", options_.seed},   {"max_tokens", options_.max_answer_tokens}};
    if (!chat.answer_schema.empty())
      body["response_format"] =
          json::object{{"type", "json_schema"},
                       {"json_schema", json::object{{"name", "analysis"},
                                                    {"strict", true},
                                                    {"schema", json::parse(chat.answer_schema)}}}};
    if (!chat.tools.empty()) body["tools"] = json::parse(ToolsJson(chat.tools));
    net::HttpClientRequest request;
    request.body = json::serialize(body);
    QUELL_ASSIGN_OR_RETURN(auto response, SendToModelServer(http_, options_, "/v1/chat/completions",
                                                            std::move(request)));
    boost::system::error_code ec;
    auto v = json::parse(response.body, ec);
    const json::value* choices =
        !ec && v.is_object() ? v.get_object().if_contains("choices") : nullptr;
    if (!choices || !choices->is_array() || choices->get_array().empty() ||
        !choices->get_array()[0].is_object())
      return Error(InvalidArgument("the model server's reply is not a chat completion"));
    const auto& choice = choices->get_array()[0].get_object();
    ChatAnswer answer;
    // "length" means cut off, as Ollama's done_reason; "tool_calls" and "stop" pass through.
    if (const auto* r = StringAt(choice, "finish_reason")) answer.done_reason = std::string(*r);
    const auto* m = choice.if_contains("message");
    if (!m || !m->is_object()) return answer;
    if (const auto* c = StringAt(m->get_object(), "content")) answer.content = std::string(*c);
    if (const auto* calls = m->get_object().if_contains("tool_calls"); calls && calls->is_array())
      for (const auto& call : calls->get_array()) {
        const auto* f = call.is_object() ? call.get_object().if_contains("function") : nullptr;
        if (!f || !f->is_object()) continue;
        ToolCall tc;
        if (const auto* id = StringAt(call.get_object(), "id")) tc.id = std::string(*id);
        if (const auto* n = StringAt(f->get_object(), "name")) tc.name = std::string(*n);
        if (const auto* a = f->get_object().if_contains("arguments"))
          tc.arguments = a->is_string() ? std::string(a->get_string()) : json::serialize(*a);
        answer.tool_calls.push_back(std::move(tc));
      }
    return answer;
  }

  Result<ServerCheck> Check() override {
    auto response = CheckWithModelServer(http_, options_, "/v1/models");
    if (!response)
      return Error(
          Unavailable("no OpenAI-compatible server at llm.url: " + response.error().message()));
    boost::system::error_code ec;
    auto v = json::parse(response->body, ec);
    const json::value* data = !ec && v.is_object() ? v.get_object().if_contains("data") : nullptr;
    std::vector<std::string> ids;
    if (data && data->is_array())
      for (const auto& m : data->get_array())
        if (const auto* id = m.is_object() ? StringAt(m.get_object(), "id") : nullptr)
          ids.emplace_back(*id);
    if (std::find(ids.begin(), ids.end(), options_.model) != ids.end())
      return ServerCheck{"the OpenAI-compatible server has " + options_.model, {}};
    return Error(Unavailable(fmt::format(
        "the OpenAI-compatible server does not list model {} (it has: {}); set llm.model to one "
        "of those or load the model there",
        options_.model, ids.empty() ? "none" : fmt::format("{}", fmt::join(ids, ", ")))));
  }

  std::string name() const override { return "openai:" + options_.model; }
  const LlmClientOptions& options() const override { return options_; }

 private:
  net::HttpClient& http_;
  LlmClientOptions options_;
};

}  // namespace

std::unique_ptr<LlmClient> NewOpenAiClient(net::HttpClient& http, LlmClientOptions options) {
  return std::make_unique<OpenAiClient>(http, std::move(options));
}

}  // namespace quell::analysis::llm
