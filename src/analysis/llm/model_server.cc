#include "analysis/llm/model_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

namespace quell::analysis::llm {

namespace json = boost::json;

std::string ServerErrorText(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = v.as_object().if_contains("error")) {
      if (e->is_string()) return std::string(e->get_string());
      if (e->is_object())
        if (const auto* m = e->as_object().if_contains("message"); m && m->is_string())
          return std::string(m->get_string());
    }
  }
  return std::string(body.substr(0, 200));
}

std::string ToolsJson(const std::vector<ToolSpec>& tools) {
  json::array out;
  for (const auto& t : tools) {
    boost::system::error_code ec;
    auto parameters = json::parse(t.parameters_schema, ec);
    out.push_back(json::object{
        {"type", "function"},
        {"function", json::object{{"name", t.name},
                                  {"description", t.description},
                                  {"parameters", ec ? json::value(json::object{}) : parameters}}}});
  }
  return json::serialize(out);
}

std::string HideSecret(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
    text.replace(at, secret.size(), "***");
  return text;
}

Result<std::unique_ptr<LlmClient>> NewLlmClient(net::HttpClient& http, LlmClientOptions options) {
  if (options.provider == "ollama") return NewOllamaClient(http, std::move(options));
  if (options.provider == "openai") return NewOpenAiClient(http, std::move(options));
  return Error(InvalidArgument("unknown LLM provider '" + options.provider + "' (ollama or openai)",
                               "llm.provider"));
}

Result<net::HttpClientResponse> SendToModelServer(net::HttpClient& http,
                                                  const LlmClientOptions& options,
                                                  std::string_view path,
                                                  net::HttpClientRequest request) {
  std::string base = options.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  request.url = base + std::string(path);
  request.headers.emplace_back("Content-Type", "application/json");
  if (!options.api_key.empty())
    request.headers.emplace_back("Authorization", "Bearer " + options.api_key);
  request.timeout_ms = options.timeout_s * 1000L;
  // A streamed call hands the body to on_data; keep its start to quote an error body.
  std::string head;
  if (request.on_data)
    request.on_data = [&head, inner = std::move(request.on_data)](std::string_view piece) {
      if (head.size() < 4096) head.append(piece.substr(0, 4096 - head.size()));
      return inner(piece);
    };
  auto response = http.Send(request);
  if (!response)
    return Error(Unavailable(
        HideSecret("the model did not answer: " + response.error().message(), options.api_key)));
  if (response->status != 200)
    return Error(Unavailable(
        HideSecret(fmt::format("the model server answered HTTP {}: {}", response->status,
                               ServerErrorText(request.on_data ? head : response->body)),
                   options.api_key)));
  return response;
}

Result<net::HttpClientResponse> CheckWithModelServer(net::HttpClient& http,
                                                     const LlmClientOptions& options,
                                                     std::string_view path, std::string body) {
  net::HttpClientRequest request;
  request.method = body.empty() ? "GET" : "POST";
  request.body = std::move(body);
  LlmClientOptions quick = options;
  quick.timeout_s = std::min(options.timeout_s, 5);
  return SendToModelServer(http, quick, path, std::move(request));
}

}  // namespace quell::analysis::llm
