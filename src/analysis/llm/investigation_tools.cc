#include "analysis/llm/investigation_tools.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "analysis/llm/redaction.h"
#include "common/time_format.h"

namespace quell::analysis::llm {
namespace {

namespace json = boost::json;

// A tool answer must leave room in num_ctx for the rest of the conversation.
constexpr size_t kMaxToolContent = 6000;
constexpr int kMaxLogLines = 20;
constexpr size_t kMaxLineText = 400;  // bytes of one log line, after redaction

const char* kWindowParams =
    R"("since": {"type": "string", "description": "RFC 3339 time; default: two hours before the incident"},
  "until": {"type": "string", "description": "RFC 3339 time; default: now"})";

ToolSpec Spec(std::string name, std::string description, const std::string& properties,
              const std::string& required) {
  return {std::move(name), std::move(description),
          R"({"type": "object", "properties": {)" + properties + "}, \"required\": [" + required +
              "]}"};
}

std::string Arg(const json::object& args, const char* key) {
  const auto* v = args.if_contains(key);
  if (!v) return "";
  return v->is_string() ? std::string(v->get_string()) : json::serialize(*v);
}

struct Window {
  TimeMs since = 0;
  TimeMs until = 0;
};

Result<Window> WindowFrom(const json::object& args, const EvidencePack& pack) {
  TimeMs first = pack.now;
  for (const auto& a : pack.alerts)
    if (a.first_seen > 0) first = std::min(first, a.first_seen);
  Window w{first - 2 * kHourMs, pack.now};
  for (auto [key, target] : {std::pair{"since", &w.since}, std::pair{"until", &w.until}}) {
    std::string text = Arg(args, key);
    if (text.empty()) continue;
    auto t = ParseRfc3339(text);
    if (!t) return Error(InvalidArgument(std::string(key) + " is not an RFC 3339 time: " + text));
    *target = *t;
  }
  return w;
}

ToolOutcome Failed(const std::string& why) {
  return {json::serialize(json::object{{"error", why}}), "error: " + why};
}

// `content` holds values each redacted before it was cut or put in: serialising escapes the
// quotes the patterns look for, and a header value would run on over the JSON that follows.
ToolOutcome Answer(const json::value& content, std::string summary) {
  std::string text = json::serialize(content);
  if (text.size() > kMaxToolContent) text = TruncateUtf8(text, kMaxToolContent) + " …(truncated)";
  return {std::move(text), std::move(summary)};
}

}  // namespace

std::vector<ToolSpec> InvestigationToolSpecs(const InvestigationSources& sources) {
  std::vector<ToolSpec> specs;
  if (sources.search_logs)
    specs.push_back(Spec("search_logs",
                         "Log lines of one service containing a text (case-insensitive), newest "
                         "first, at most 20.",
                         R"("service": {"type": "string"}, "query": {"type": "string"}, )" +
                             std::string(kWindowParams),
                         R"("service")"));
  if (sources.list_deploys)
    specs.push_back(Spec("list_deploys", "Deploys of a service (or all services) in a time window.",
                         R"("service": {"type": "string", "description": "empty: all"}, )" +
                             std::string(kWindowParams),
                         ""));
  specs.push_back(Spec("similar_incidents",
                       "Resolved incidents that look like this one, with how they were resolved.",
                       R"("incident": {"type": "integer", "description": "this incident's id"})",
                       ""));
  specs.push_back(
      Spec("get_topology", "Which services call which (service -> dependencies).", "", ""));
  return specs;
}

ToolOutcome RunTool(const ToolCall& call, const EvidencePack& pack,
                    const InvestigationSources& sources, bool redact_ips) {
  boost::system::error_code ec;
  auto parsed = json::parse(call.arguments.empty() ? "{}" : call.arguments, ec);
  if (ec || !parsed.is_object()) return Failed("arguments must be a JSON object");
  const json::object& args = parsed.get_object();

  if (call.name == "search_logs" && sources.search_logs) {
    const std::string service = Arg(args, "service");
    if (service.empty()) return Failed("search_logs needs a service");
    auto window = WindowFrom(args, pack);
    if (!window) return Failed(window.error().message());
    auto lines = sources.search_logs(service, window->since, window->until, Arg(args, "query"),
                                     kMaxLogLines);
    json::array out;
    for (const auto& l : lines)
      out.push_back(json::object{{"ts", FormatRfc3339(l.ts)},
                                 {"level", l.level},
                                 {"message", RedactAndCut(l.message, kMaxLineText, redact_ips)}});
    return Answer(json::object{{"lines", std::move(out)}},
                  fmt::format("{} matching line(s)", lines.size()));
  }
  if (call.name == "list_deploys" && sources.list_deploys) {
    auto window = WindowFrom(args, pack);
    if (!window) return Failed(window.error().message());
    std::vector<std::string> services;
    if (std::string s = Arg(args, "service"); !s.empty()) services.push_back(s);
    auto deploys = sources.list_deploys(services, window->since, window->until);
    json::array out;
    for (const auto& d : deploys)
      out.push_back(json::object{{"id", Redact(d.id, redact_ips)},
                                 {"service", d.service},
                                 {"version", Redact(d.version, redact_ips)},
                                 {"status", Redact(d.status, redact_ips)},
                                 {"author", Redact(d.author, redact_ips)},
                                 {"commit", Redact(d.commit, redact_ips)},
                                 {"at", d.at ? FormatRfc3339(d.at) : ""}});
    return Answer(json::object{{"deploys", std::move(out)}},
                  fmt::format("{} deploy(s)", deploys.size()));
  }
  if (call.name == "similar_incidents") {
    if (std::string id = Arg(args, "incident");
        !id.empty() && id != std::to_string(pack.incident.id))
      return Failed(fmt::format("only this incident (#{}) can be compared", pack.incident.id));
    json::array out;
    for (const auto& m : pack.similar)
      out.push_back(json::object{{"incident", m.incident_id},
                                 {"title", Redact(m.title, redact_ips)},
                                 {"score", m.score},
                                 {"resolution", Redact(m.resolution_note, redact_ips)}});
    return Answer(json::object{{"similar", std::move(out)}},
                  fmt::format("{} similar incident(s)", pack.similar.size()));
  }
  if (call.name == "get_topology") {
    json::object out;
    for (const auto& [service, deps] : pack.topology.depends_on()) {
      json::array d;
      for (const auto& dep : deps) d.emplace_back(dep);
      out[service] = std::move(d);
    }
    const size_t n = out.size();
    return Answer(json::object{{"depends_on", std::move(out)}}, fmt::format("{} service(s)", n));
  }
  return Failed("unknown tool '" + call.name + "'");
}

}  // namespace quell::analysis::llm
