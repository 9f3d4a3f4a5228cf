#include "analysis/llm/replay_client.h"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace quell::analysis::llm {

namespace json = boost::json;

std::string AnswersToJson(const std::vector<ChatAnswer>& answers) {
  json::array out;
  for (const auto& a : answers) {
    json::array calls;
    for (const auto& c : a.tool_calls)
      calls.push_back(json::object{{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}});
    out.push_back(json::object{
        {"content", a.content}, {"done_reason", a.done_reason}, {"tool_calls", std::move(calls)}});
  }
  return json::serialize(out);
}

namespace {

Result<std::string> StringField(const json::object& o, std::string_view key, size_t index,
                                bool required) {
  const auto* v = o.if_contains(key);
  if (!v) {
    if (!required) return std::string();
    return Error(InvalidArgument(fmt::format("answer {}: {} is missing", index, key), std::string(key)));
  }
  if (!v->is_string())
    return Error(InvalidArgument(fmt::format("answer {}: {} must be a string", index, key), std::string(key)));
  return std::string(v->as_string());
}

}  // namespace

Result<std::vector<ChatAnswer>> AnswersFromJson(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return Error(InvalidArgument("recording is not JSON: " + ec.message()));
  if (!doc.is_array()) return Error(InvalidArgument("recording must be a JSON array of answers"));
  std::vector<ChatAnswer> out;
  for (size_t i = 0; i < doc.as_array().size(); ++i) {
    const auto& v = doc.as_array()[i];
    if (!v.is_object()) return Error(InvalidArgument(fmt::format("answer {} must be an object", i)));
    const auto& o = v.as_object();
    ChatAnswer a;
    auto content = StringField(o, "content", i, true);
    if (!content) return Error(content.error());
    auto done = StringField(o, "done_reason", i, false);
    if (!done) return Error(done.error());
    a.content = std::move(*content);
    a.done_reason = done->empty() ? "stop" : *done;
    if (const auto* calls = o.if_contains("tool_calls")) {
      if (!calls->is_array())
        return Error(InvalidArgument(fmt::format("answer {}: tool_calls must be an array", i), "tool_calls"));
      for (const auto& c : calls->as_array()) {
        if (!c.is_object())
          return Error(InvalidArgument(fmt::format("answer {}: a tool call must be an object", i), "tool_calls"));
        ToolCall call;
        auto id = StringField(c.as_object(), "id", i, false);
        auto name = StringField(c.as_object(), "name", i, true);
        auto args = StringField(c.as_object(), "arguments", i, false);
        if (!id) return Error(id.error());
        if (!name) return Error(name.error());
        if (!args) return Error(args.error());
        call.id = std::move(*id);
        call.name = std::move(*name);
        call.arguments = args->empty() ? "{}" : *args;
        a.tool_calls.push_back(std::move(call));
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<ChatAnswer> RecordingClient::Chat(const ChatRequest& request) {
  auto answer = inner_.Chat(request);
  if (answer) answers_.push_back(*answer);
  return answer;
}

ReplayClient::ReplayClient(std::vector<ChatAnswer> answers, std::string name)
    : answers_(std::move(answers)), name_(std::move(name)) {
  options_.provider = "replay";
  options_.url = "";
  options_.model = name_;
}

Result<ChatAnswer> ReplayClient::Chat(const ChatRequest&) {
  if (next_ >= answers_.size())
    return Error(Unavailable(
        fmt::format("the recording has no answer {} (it holds {})", next_ + 1, answers_.size())));
  return answers_[next_++];
}

Result<ServerCheck> ReplayClient::Check() {
  return ServerCheck{fmt::format("replaying {} recorded answer(s) of {}", answers_.size(), name_), {}};
}

}  // namespace quell::analysis::llm
