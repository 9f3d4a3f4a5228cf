// Recorded model answers, so that the model path can be scored on incident sets without a model
// server (nothing in CI has one; these machines have no weights):
//  - RecordingClient wraps a real client and keeps every answer it gives, in order;
//  - ReplayClient gives recorded answers back in the same order, and Unavailable once they run
//    out (the analyst then keeps the built-in answer, as with a server that stopped answering).
// A recording is a JSON array of answers: {"content", "done_reason", "tool_calls": [{"id",
// "name", "arguments"}]}, one file per incident. Thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/llm/llm_client.h"

namespace quell::analysis::llm {

std::string AnswersToJson(const std::vector<ChatAnswer>& answers);
// InvalidArgument naming the element and field that is wrong.
Result<std::vector<ChatAnswer>> AnswersFromJson(std::string_view text);

class RecordingClient final : public LlmClient {
 public:
  explicit RecordingClient(LlmClient& inner) : inner_(inner) {}
  Result<ChatAnswer> Chat(const ChatRequest& request) override;
  Result<ServerCheck> Check() override { return inner_.Check(); }
  std::string name() const override { return inner_.name(); }
  const LlmClientOptions& options() const override { return inner_.options(); }
  const std::vector<ChatAnswer>& answers() const { return answers_; }

 private:
  LlmClient& inner_;
  std::vector<ChatAnswer> answers_;
};

class ReplayClient final : public LlmClient {
 public:
  // `name` is the analyzer name the recorded model had ("ollama:gemma4:e4b").
  ReplayClient(std::vector<ChatAnswer> answers, std::string name);
  Result<ChatAnswer> Chat(const ChatRequest& request) override;
  Result<ServerCheck> Check() override;
  std::string name() const override { return name_; }
  const LlmClientOptions& options() const override { return options_; }
  size_t replayed() const { return next_; }

 private:
  std::vector<ChatAnswer> answers_;
  size_t next_ = 0;
  std::string name_;
  LlmClientOptions options_;
};

}  // namespace quell::analysis::llm
