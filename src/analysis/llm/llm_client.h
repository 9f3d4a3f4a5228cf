// LlmClient: one chat round with a model server, whatever its API. The analyst speaks to this
// interface; two implementations sit on net::HttpClient (libcurl):
//  - Ollama's native POST /api/chat (`format` = schema, `think: false`, `options.num_ctx`,
//    temperature 0, a fixed seed; non-streamed or streamed NDJSON);
//  - the OpenAI-compatible POST /v1/chat/completions (llama.cpp server, vLLM, LocalAI, Ollama's
//    /v1, gateways) with `response_format` = a strict json_schema and an optional bearer key.
// Errors are values: no answer, an HTTP error or a mid-stream error is Unavailable with a message
// that never contains the URL or the API key. A truncated answer is not an error here: it comes
// back with done_reason "length" and the caller decides. Implementations are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "net/http_client.h"

namespace quell::analysis::llm {

// A function call the model asks for. `arguments` is a JSON object as text.
struct ToolCall {
  std::string id;  // OpenAI's tool_call_id; Ollama has none
  std::string name;
  std::string arguments = "{}";
};

struct ChatMessage {
  std::string role;  // system | user | assistant | tool
  std::string content;
  std::vector<ToolCall> tool_calls;  // assistant messages that called tools
  std::string tool_call_id;          // tool messages: the call answered (OpenAI)
  std::string tool_name;             // tool messages: the tool that answered (Ollama)
};

// A tool the model may call: a name, what it does, and its parameters as a JSON Schema (text).
struct ToolSpec {
  std::string name;
  std::string description;
  std::string parameters_schema;
};

struct ChatRequest {
  std::vector<ChatMessage> messages;
  std::string answer_schema;    // JSON Schema (text) the answer must match; empty: free text
  std::vector<ToolSpec> tools;  // empty: no tool calling
};

struct ChatAnswer {
  std::string content;
  std::string done_reason;  // "stop", "length" (cut off), "tool_calls", or what the server said
  std::vector<ToolCall> tool_calls;
};

struct LlmClientOptions {
  std::string provider = "ollama";  // ollama | openai
  std::string url = "http://127.0.0.1:11434";
  std::string model = "gemma4:e4b";
  std::string api_key;  // OpenAI-compatible servers only: `Authorization: Bearer`; never logged
  int num_ctx = 8192;   // Ollama only (the OpenAI API cannot set it)
  int timeout_s = 60;
  int seed = 42;
  int max_answer_tokens = 2048;
  bool stream = false;  // Ollama only
};

// What a model server says about itself and the model.
struct ServerCheck {
  std::string description;  // "Ollama 0.33.0 has gemma4:e4b (completion, tools, thinking)"
  std::vector<std::string> capabilities;  // Ollama's /api/show list; empty: not known
};

class LlmClient {
 public:
  virtual ~LlmClient() = default;
  // One round: the model's answer or why there is none.
  virtual Result<ChatAnswer> Chat(const ChatRequest& request) = 0;
  // Whether the server answers and has the model (and, where the API says, what the model can
  // do), else Unavailable with what to do (the `ollama pull` command).
  virtual Result<ServerCheck> Check() = 0;
  // "ollama:gemma4:e4b" or "openai:<model>": the analyzer name of its answers.
  virtual std::string name() const = 0;
  virtual const LlmClientOptions& options() const = 0;
};

// The client for options.provider; InvalidArgument for an unknown provider. `http` must outlive
// the client.
Result<std::unique_ptr<LlmClient>> NewLlmClient(net::HttpClient& http, LlmClientOptions options);

}  // namespace quell::analysis::llm
