// What the LLM clients share about talking to a model server over HTTP: the request (JSON,
// timeout, bearer key), turning a non-200 answer into an error that quotes the server's own
// message ({"error": "..."} from Ollama, {"error": {"message": ...}} from OpenAI-compatible
// servers), and keeping the API key out of every message. Internal to analysis/llm.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/llm/llm_client.h"
#include "net/http_client.h"

namespace quell::analysis::llm {

// Sends `request` (method, body and on_data set by the caller; URL relative to options.url)
// with the JSON content type, the timeout and, when set, the bearer key. A 200 is returned;
// anything else is Unavailable("the model server answered HTTP <status>: <its message>").
Result<net::HttpClientResponse> SendToModelServer(net::HttpClient& http,
                                                  const LlmClientOptions& options,
                                                  std::string_view path,
                                                  net::HttpClientRequest request);

// A start-up check: GET `path` (POST `body` when there is one) like SendToModelServer, with at
// most 5 seconds to answer.
Result<net::HttpClientResponse> CheckWithModelServer(net::HttpClient& http,
                                                     const LlmClientOptions& options,
                                                     std::string_view path, std::string body = "");

// The server's error message from an error body, or the start of the body.
std::string ServerErrorText(std::string_view body);

// The `tools` array both APIs take: [{"type": "function", "function": {name, description,
// parameters}}], as JSON text.
std::string ToolsJson(const std::vector<ToolSpec>& tools);

// The two implementations behind NewLlmClient.
std::unique_ptr<LlmClient> NewOllamaClient(net::HttpClient& http, LlmClientOptions options);
std::unique_ptr<LlmClient> NewOpenAiClient(net::HttpClient& http, LlmClientOptions options);

// `text` with every occurrence of `secret` replaced by "***" (servers may echo a bad key).
std::string HideSecret(std::string text, std::string_view secret);

}  // namespace quell::analysis::llm
