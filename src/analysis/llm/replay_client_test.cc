// Recorded model answers: what is recorded comes back in order, a run out of answers behaves as
// a server that stopped answering, and the analyst gives the same analysis on a replay as on
// the recorded run.
#include "analysis/llm/replay_client.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "../tests/seed_pack.h"
#include "analysis/builtin_analyst.h"
#include "analysis/llm/llm_analyst.h"
#include "model/json_codec.h"

namespace quell::analysis::llm {
namespace {

const char* kAnswer = R"({"root_cause":"Redis connection pool exhausted after deployment #441",
  "severity":"high","impact":"Checkout latency up","recommended_actions":["Rollback deployment #441"],
  "confidence":0.7,"summary":"The pool ran dry.","suspects":{"deploys":[{"id":"441","service":"api-gateway"}],
  "services":[{"service":"api-gateway"}]},"evidence":[{"kind":"alert","ref":"f1","detail":"Redis timeout"}]})";

EvidencePack SeedPack() { return quell::testing::SeedPack(); }

ChatAnswer Answer(std::string content, std::string done = "stop", std::vector<ToolCall> calls = {}) {
  ChatAnswer a;
  a.content = std::move(content);
  a.done_reason = std::move(done);
  a.tool_calls = std::move(calls);
  return a;
}

TEST(ReplayClient, RecordingsRoundTripWithToolCalls) {
  ToolCall call;
  call.id = "call_1";
  call.name = "search_logs";
  call.arguments = R"({"service":"redis"})";
  const std::vector<ChatAnswer> answers = {Answer("", "tool_calls", {call}), Answer(kAnswer)};
  auto back = AnswersFromJson(AnswersToJson(answers));
  ASSERT_TRUE(back) << back.error().ToString();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].done_reason, "tool_calls");
  ASSERT_EQ((*back)[0].tool_calls.size(), 1u);
  EXPECT_EQ((*back)[0].tool_calls[0].id, "call_1");
  EXPECT_EQ((*back)[0].tool_calls[0].name, "search_logs");
  EXPECT_EQ((*back)[0].tool_calls[0].arguments, call.arguments);
  EXPECT_EQ((*back)[1].content, kAnswer);
  EXPECT_EQ((*back)[1].done_reason, "stop");
}

TEST(ReplayClient, BadRecordingsNameWhatIsWrong) {
  EXPECT_FALSE(AnswersFromJson("not json"));
  EXPECT_FALSE(AnswersFromJson(R"({"content":"x"})"));
  auto missing = AnswersFromJson(R"([{"content":"x"},{"done_reason":"stop"}])");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field(), "content");
  EXPECT_NE(missing.error().message().find("answer 1"), std::string::npos);
  auto calls = AnswersFromJson(R"([{"content":"x","tool_calls":{}}])");
  ASSERT_FALSE(calls);
  EXPECT_EQ(calls.error().field(), "tool_calls");
}

TEST(ReplayClient, GivesTheAnswersBackInOrderThenRunsOut) {
  ReplayClient replay({Answer("first"), Answer("second")}, "ollama:gemma4:e4b");
  EXPECT_EQ(replay.name(), "ollama:gemma4:e4b");
  ASSERT_TRUE(replay.Check());
  EXPECT_EQ(replay.Chat({})->content, "first");
  EXPECT_EQ(replay.Chat({})->content, "second");
  auto none = replay.Chat({});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), StatusCode::kUnavailable);
  EXPECT_EQ(replay.replayed(), 2u);
}

TEST(ReplayClient, AReplayGivesTheAnalysisOfTheRecordedRun) {
  BuiltinAnalyst builtin;
  // The "server" of the recorded run: a replay of one answer, recorded through RecordingClient.
  ReplayClient server({Answer(kAnswer)}, "ollama:gemma4:e4b");
  auto recording = std::make_unique<RecordingClient>(server);
  RecordingClient* recorder = recording.get();
  LlmAnalyst recorded_run(std::move(recording), builtin, LlmOptions{});
  auto first = recorded_run.Analyze(SeedPack());
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->analyzer, "ollama:gemma4:e4b");
  EXPECT_EQ(first->root_cause, "Redis connection pool exhausted after deployment #441");
  ASSERT_EQ(recorder->answers().size(), 1u);

  auto answers = AnswersFromJson(AnswersToJson(recorder->answers()));
  ASSERT_TRUE(answers);
  LlmAnalyst replayed_run(std::make_unique<ReplayClient>(*answers, "ollama:gemma4:e4b"), builtin,
                          LlmOptions{});
  auto second = replayed_run.Analyze(SeedPack());
  ASSERT_TRUE(second);
  auto a = model::AnalysisToJson(*first), b = model::AnalysisToJson(*second);
  a.as_object().erase("created_at");
  b.as_object().erase("created_at");
  EXPECT_EQ(boost::json::serialize(a), boost::json::serialize(b));
}

TEST(ReplayClient, AnEmptyRecordingLeavesTheBuiltinAnswerAndSaysWhy) {
  BuiltinAnalyst builtin;
  LlmAnalyst analyst(std::make_unique<ReplayClient>(std::vector<ChatAnswer>{}, "ollama:gemma4:e4b"),
                     builtin, LlmOptions{});
  auto result = analyst.Analyze(SeedPack());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->analyzer, "builtin");
  EXPECT_NE(result->llm_note.find("no answer 1"), std::string::npos) << result->llm_note;
}

}  // namespace
}  // namespace quell::analysis::llm
