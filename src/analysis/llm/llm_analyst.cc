#include "analysis/llm/llm_analyst.h"

#include <algorithm>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "analysis/llm/prompt.h"
#include "analysis/topology/service_ranking.h"
#include "model/json_codec.h"

namespace quell::analysis::llm {
namespace {

namespace json = boost::json;

// A model sometimes wraps JSON in a markdown fence; the grammar should prevent it, but cheap.
std::string StripCodeFence(std::string text) {
  auto start = text.find_first_not_of(" \n\r\t");
  if (start != std::string::npos && text.compare(start, 3, "```") == 0) {
    auto newline = text.find('\n', start);
    auto end = text.rfind("```");
    if (newline != std::string::npos && end != std::string::npos && end > newline)
      return text.substr(newline + 1, end - newline - 1);
  }
  return text;
}

// Error text from an Ollama error body {"error": "..."}.
std::string OllamaError(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (!ec && v.is_object())
    if (const auto* e = v.as_object().if_contains("error"); e && e->is_string())
      return std::string(e->get_string());
  return body.substr(0, 200);
}

}  // namespace

const std::string& AnalysisJsonSchema() {
  static const std::string schema = R"({
  "type": "object",
  "properties": {
    "root_cause": {"type": "string"},
    "severity": {"type": "string", "enum": ["critical", "high", "medium", "low", "info"]},
    "impact": {"type": "string"},
    "recommended_actions": {"type": "array", "items": {"type": "string"}},
    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    "summary": {"type": "string"},
    "suspects": {"type": "object", "properties": {
      "deploys": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "string"}, "service": {"type": "string"}, "score": {"type": "number"},
        "reasons": {"type": "array", "items": {"type": "string"}}}, "required": ["id", "service"]}},
      "services": {"type": "array", "items": {"type": "object", "properties": {
        "service": {"type": "string"}, "score": {"type": "number"},
        "reasons": {"type": "array", "items": {"type": "string"}}}, "required": ["service"]}}}},
    "evidence": {"type": "array", "items": {"type": "object", "properties": {
      "kind": {"type": "string"}, "ref": {"type": "string"}, "detail": {"type": "string"}}}}
  },
  "required": ["root_cause", "severity", "impact", "recommended_actions", "confidence", "summary"]
})";
  return schema;
}

int GroundAnalysis(const EvidencePack& pack, model::Analysis& a) {
  std::set<std::string> services(pack.incident.services.begin(), pack.incident.services.end());
  for (const auto& al : pack.alerts) services.insert(al.data.service);
  for (const auto& [s, deps] : pack.topology.depends_on()) {
    services.insert(s);
    services.insert(deps.begin(), deps.end());
  }
  for (const auto& t : pack.log_templates) services.insert(t.service);
  // Dependencies the evidence names ("Redis timeout") are grounded too.
  std::vector<std::string> known(services.begin(), services.end());
  for (const auto& al : pack.alerts)
    for (const auto& name : topology::NamedDependencies(al.data.message + " " + al.data.name, known))
      services.insert(name);
  for (const auto& t : pack.log_templates)
    for (const auto& name : topology::NamedDependencies(t.text, known)) services.insert(name);
  std::set<std::string> deploys;
  for (const auto& d : pack.deploys) {
    deploys.insert(d.id);
    deploys.insert(d.version);
    services.insert(d.service);
  }
  for (const auto& al : pack.alerts)
    if (!al.data.deploy.empty()) deploys.insert(al.data.deploy);
  int dropped = 0;
  auto& ds = a.deploy_suspects;
  dropped += static_cast<int>(std::erase_if(ds, [&](const model::Suspect& s) {
    return !deploys.count(s.id);
  }));
  auto& ss = a.service_suspects;
  dropped += static_cast<int>(std::erase_if(ss, [&](const model::Suspect& s) {
    return !services.count(s.service);
  }));
  a.confidence = std::clamp(a.confidence, 0.0, 1.0);
  return dropped;
}

Result<std::string> LlmAnalyst::Chat(const std::string& system, const std::string& user) {
  json::object body{
      {"model", options_.model},
      {"messages", json::array{json::object{{"role", "system"}, {"content", system}},
                               json::object{{"role", "user"}, {"content", user}}}},
      {"format", json::parse(AnalysisJsonSchema())},
      {"stream", options_.stream},
      {"think", false},
      {"options", json::object{{"num_ctx", options_.num_ctx},
                               {"temperature", 0},
                               {"seed", options_.seed},
                               {"num_predict", 2048}}}};
  net::HttpClientRequest request;
  request.url = options_.url + "/api/chat";
  request.headers = {{"Content-Type", "application/json"}};
  request.body = json::serialize(body);
  request.timeout_ms = options_.timeout_s * 1000L;

  std::string content, stream_error, done_reason, pending;
  if (options_.stream) {
    // NDJSON: one object per line; a line may carry {"error": ...} after a 200.
    request.on_data = [&](std::string_view piece) {
      pending.append(piece);
      size_t newline;
      while ((newline = pending.find('\n')) != std::string::npos) {
        std::string line = pending.substr(0, newline);
        pending.erase(0, newline + 1);
        boost::system::error_code ec;
        auto v = json::parse(line, ec);
        if (ec || !v.is_object()) continue;
        const auto& o = v.as_object();
        if (const auto* e = o.if_contains("error"); e && e->is_string()) {
          stream_error = std::string(e->get_string());
          return false;
        }
        if (const auto* m = o.if_contains("message"); m && m->is_object())
          if (const auto* c = m->as_object().if_contains("content"); c && c->is_string())
            content += std::string(c->get_string());
        if (const auto* r = o.if_contains("done_reason"); r && r->is_string())
          done_reason = std::string(r->get_string());
      }
      return true;
    };
  }
  auto response = client_.Send(request);
  if (!response) return Error(Unavailable("the model did not answer: " + response.error().message()));
  if (response->status != 200)
    return Error(Unavailable(fmt::format("the model server answered HTTP {}: {}", response->status,
                                         OllamaError(response->body))));
  if (!stream_error.empty()) return Error(Unavailable("the model failed mid-answer: " + stream_error));
  if (!options_.stream) {
    boost::system::error_code ec;
    auto v = json::parse(response->body, ec);
    if (ec || !v.is_object()) return Error(InvalidArgument("the model server's reply is not JSON"));
    const auto& o = v.as_object();
    if (const auto* m = o.if_contains("message"); m && m->is_object())
      if (const auto* c = m->as_object().if_contains("content"); c && c->is_string())
        content = std::string(c->get_string());
    if (const auto* r = o.if_contains("done_reason"); r && r->is_string())
      done_reason = std::string(r->get_string());
  }
  if (done_reason == "length")
    return Error(Unavailable("the answer was cut off (done_reason: length); raise llm.num_ctx"));
  return StripCodeFence(content);
}

Result<model::Analysis> LlmAnalyst::Analyze(const EvidencePack& pack) {
  QUELL_ASSIGN_OR_RETURN(model::Analysis builtin, builtin_.Analyze(pack));
  // Leave room for the answer: the prompt gets three quarters of the context.
  Prompt prompt = BuildPrompt(pack, builtin, options_.num_ctx * 3 / 4, options_.redact_ips);
  auto fallback = [&](const std::string& why) {
    model::Analysis out = builtin;
    out.llm_prompt = prompt.system + "\n\n" + prompt.user;
    out.llm_note = "ollama:" + options_.model + " not used: " + why;
    return out;
  };
  std::string user = prompt.user;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto content = Chat(prompt.system, user);
    if (!content) return fallback(content.error().message());
    boost::system::error_code ec;
    auto value = json::parse(*content, ec);
    Result<model::Analysis> parsed =
        ec ? Result<model::Analysis>(Error(InvalidArgument("not JSON: " + ec.message(), "body")))
           : model::AnalysisFromJson(value);
    if (!parsed) {
      if (attempt == 0) {
        user = prompt.user + "\n\nYour previous answer was invalid (" + parsed.error().ToString() +
               "). Answer again with one JSON object that matches the schema.";
        continue;
      }
      return fallback("invalid answer twice: " + parsed.error().ToString());
    }
    model::Analysis out = std::move(*parsed);
    int dropped = GroundAnalysis(pack, out);
    out.analyzer = "ollama:" + options_.model;
    out.llm_prompt = prompt.system + "\n\n" + prompt.user;
    if (!options_.primary) {
      auto top = [](const std::vector<model::Suspect>& s) { return s.empty() ? "" : s[0].service + s[0].id; };
      const bool agree = top(out.service_suspects) == top(builtin.service_suspects) &&
                         top(out.deploy_suspects) == top(builtin.deploy_suspects);
      model::Analysis kept = builtin;
      kept.llm_prompt = out.llm_prompt;
      kept.llm_note = fmt::format("{} {}: {} (confidence {:.2f})", out.analyzer,
                                  agree ? "agrees" : "differs", out.root_cause, out.confidence);
      return kept;
    }
    out.llm_note = fmt::format("built-in analyst said: {} (confidence {:.2f}); {}", builtin.root_cause,
                               builtin.confidence,
                               dropped ? fmt::format("{} ungrounded claim(s) dropped", dropped)
                                       : "all claims grounded");
    return out;
  }
  return fallback("no answer");
}

Status CheckOllama(net::HttpClient& client, const LlmOptions& options) {
  net::HttpClientRequest request;
  request.method = "GET";
  request.url = options.url + "/api/tags";
  request.timeout_ms = 5000;
  auto response = client.Send(request);
  if (!response)
    return Unavailable("no model server at the configured llm.url: " + response.error().message());
  if (response->status != 200)
    return Unavailable(fmt::format("the model server answered HTTP {} to /api/tags", response->status));
  boost::system::error_code ec;
  auto tags = json::parse(response->body, ec);
  const json::value* models = !ec && tags.is_object() ? tags.as_object().if_contains("models") : nullptr;
  if (models && models->is_array())
    for (const auto& m : models->get_array())
      if (m.is_object())
        for (const char* key : {"name", "model"})
          if (const auto* n = m.as_object().if_contains(key);
              n && n->is_string() && (n->get_string() == options.model ||
                                      n->get_string() == options.model + ":latest"))
            return Status::Ok();
  return Unavailable("model " + options.model + " is not on the model server; run: ollama pull " +
                     options.model);
}

}  // namespace quell::analysis::llm
