#include "model/json_codec.h"

#include <cmath>

#include <boost/json.hpp>

#include "common/time_format.h"

namespace quell::model {
namespace {

namespace json = boost::json;

json::value Time(TimeMs t) { return TimeToJson(t); }

json::value EmbeddedJson(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(text) : v;
}

json::object StringMap(const Labels& map) {
  json::object out;
  for (const auto& [k, v] : map) out[k] = v;
  return out;
}

json::value OrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

}  // namespace

json::value TimeToJson(TimeMs t) {
  if (t == 0) return nullptr;
  return json::value(FormatRfc3339(t));
}

json::value IncidentToJson(const Incident& incident) {
  json::array services;
  for (const auto& s : incident.services) services.emplace_back(s);
  return json::object{
      {"id", incident.id},
      {"title", incident.title},
      {"status", IncidentStatusName(incident.status)},
      {"severity", SeverityName(incident.severity)},
      {"alert_severity", SeverityName(incident.alert_severity)},
      {"services", std::move(services)},
      {"environment", incident.environment},
      {"group_key", incident.group_key},
      {"opened_at", Time(incident.opened_at)},
      {"updated_at", Time(incident.updated_at)},
      {"last_alert_at", Time(incident.last_alert_at)},
      {"acked_at", Time(incident.acked_at)},
      {"acked_by", OrNull(incident.acked_by)},
      {"resolved_at", Time(incident.resolved_at)},
      {"resolved_by", OrNull(incident.resolved_by)},
      {"alert_count", incident.alert_count},
      {"firing_count", incident.firing_count},
      {"flapping", incident.flapping},
      {"silenced_until", Time(incident.silenced_until)},
      {"escalated_at", Time(incident.escalated_at)},
      {"analysis", EmbeddedJson(incident.analysis_json)},
  };
}

json::value NormalizedAlertToJson(const NormalizedAlert& d) {
  json::object metrics;
  for (const auto& [k, v] : d.metrics) metrics[k] = v;
  return json::object{
      {"fingerprint", d.fingerprint},
      {"source", d.source},
      {"status", AlertStatusName(d.status)},
      {"service", d.service},
      {"environment", d.environment},
      {"name", d.name},
      {"message", d.message},
      {"severity", SeverityName(d.severity)},
      {"labels", StringMap(d.labels)},
      {"annotations", StringMap(d.annotations)},
      {"metrics", std::move(metrics)},
      {"deploy", OrNull(d.deploy)},
      {"starts_at", Time(d.starts_at)},
      {"ends_at", Time(d.ends_at)},
      {"raw", EmbeddedJson(d.raw_json)},
  };
}

json::value AlertToJson(const Alert& alert) {
  json::object out = NormalizedAlertToJson(alert.data).as_object();
  out["id"] = alert.id;
  out["incident_id"] = alert.incident_id;
  out["first_seen"] = Time(alert.first_seen);
  out["last_seen"] = Time(alert.last_seen);
  out["count"] = alert.count;
  return out;
}

json::value EventToJson(const Event& event) {
  return json::object{
      {"id", event.id},
      {"at", Time(event.at)},
      {"last_at", Time(event.last_at)},
      {"kind", EventKindName(event.kind)},
      {"actor", event.actor},
      {"fingerprint", OrNull(event.fingerprint)},
      {"note", event.note},
      {"count", event.count},
  };
}

namespace {

json::array SuspectsToJson(const std::vector<Suspect>& suspects) {
  json::array out;
  for (const auto& s : suspects) {
    json::array reasons;
    for (const auto& r : s.reasons) reasons.emplace_back(r);
    json::array signals;
    for (const auto& g : s.signals) {
      json::object sig{{"kind", g.kind}, {"subject", g.subject}, {"value", g.value},
                       {"weight", g.weight}};
      if (g.baseline != 0) sig["baseline"] = g.baseline;
      signals.push_back(std::move(sig));
    }
    json::object o{{"service", s.service}, {"score", s.score}, {"reasons", std::move(reasons)},
                   {"signals", std::move(signals)}};
    if (!s.id.empty()) o["id"] = s.id;
    if (!s.version.empty()) o["version"] = s.version;
    out.push_back(std::move(o));
  }
  return out;
}

Result<std::string> StringField(const json::object& o, const char* key, const std::string& path,
                                bool required) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return Error(InvalidArgument(path + key + " is required", path + key));
    return std::string();
  }
  if (!v->is_string()) return Error(InvalidArgument(path + key + " must be a string", path + key));
  return std::string(v->get_string());
}

Result<std::vector<Suspect>> SuspectsFromJson(const json::value* v, const std::string& path) {
  std::vector<Suspect> out;
  if (!v || v->is_null()) return out;
  if (!v->is_array()) return Error(InvalidArgument(path + " must be an array", path));
  for (size_t i = 0; i < v->get_array().size(); ++i) {
    const auto& item = v->get_array()[i];
    std::string p = path + "[" + std::to_string(i) + "].";
    if (!item.is_object()) return Error(InvalidArgument(p + " must be an object", path));
    Suspect s;
    QUELL_ASSIGN_OR_RETURN(s.id, StringField(item.get_object(), "id", p, false));
    QUELL_ASSIGN_OR_RETURN(s.service, StringField(item.get_object(), "service", p, false));
    if (const json::value* score = item.get_object().if_contains("score");
        score && score->is_number())
      s.score = score->to_number<double>();
    if (const json::value* reasons = item.get_object().if_contains("reasons");
        reasons && reasons->is_array())
      for (const auto& r : reasons->get_array())
        if (r.is_string()) s.reasons.emplace_back(r.get_string());
    QUELL_ASSIGN_OR_RETURN(s.version, StringField(item.get_object(), "version", p, false));
    if (const json::value* signals = item.get_object().if_contains("signals");
        signals && signals->is_array())
      for (const auto& g : signals->get_array()) {
        if (!g.is_object()) continue;
        const auto& o = g.get_object();
        Signal sig;
        if (auto* k = o.if_contains("kind"); k && k->is_string()) sig.kind = k->get_string();
        if (auto* k = o.if_contains("subject"); k && k->is_string()) sig.subject = k->get_string();
        if (auto* k = o.if_contains("value"); k && k->is_number()) sig.value = k->to_number<double>();
        if (auto* k = o.if_contains("baseline"); k && k->is_number())
          sig.baseline = k->to_number<double>();
        if (auto* k = o.if_contains("weight"); k && k->is_number()) sig.weight = k->to_number<double>();
        s.signals.push_back(std::move(sig));
      }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

json::value AnalysisToJson(const Analysis& a) {
  json::array actions;
  for (const auto& action : a.recommended_actions) actions.emplace_back(action);
  json::array evidence;
  for (const auto& e : a.evidence)
    evidence.push_back(json::object{{"kind", e.kind}, {"ref", e.ref}, {"detail", e.detail}});
  json::object out{
      {"root_cause", a.root_cause},
      {"severity", SeverityName(a.severity)},
      {"impact", a.impact},
      {"recommended_actions", std::move(actions)},
      {"confidence", std::round(a.confidence * 100) / 100},
      {"summary", a.summary},
      {"suspects",
       json::object{{"deploys", SuspectsToJson(a.deploy_suspects)},
                    {"services", SuspectsToJson(a.service_suspects)}}},
      {"evidence", std::move(evidence)},
      {"analyzer", a.analyzer},
      {"created_at", Time(a.created_at)},
      {"input_hash", a.input_hash},
  };
  // The LLM's audit fields, only when an LLM was involved.
  if (!a.llm_prompt.empty() || !a.llm_note.empty()) {
    json::object llm{{"note", a.llm_note}, {"prompt", a.llm_prompt}};
    if (!a.llm_primary.empty()) llm["primary"] = a.llm_primary;
    if (a.agreement)
      llm["agreement"] = json::object{{"agree", a.agreement->agree},
                                      {"service", a.agreement->service},
                                      {"deploy", a.agreement->deploy},
                                      {"severity", a.agreement->severity}};
    if (!a.tool_steps.empty()) {
      json::array steps;
      for (const auto& step : a.tool_steps)
        steps.push_back(json::object{
            {"tool", step.tool}, {"arguments", step.arguments}, {"result", step.result}});
      llm["tool_steps"] = std::move(steps);
    }
    out["llm"] = std::move(llm);
  }
  if (!a.secondary.empty()) out["secondary"] = AnalysisToJson(a.secondary.front());
  return out;
}

std::string AnalysisToJsonText(const Analysis& analysis) {
  return json::serialize(AnalysisToJson(analysis));
}



Result<Analysis> AnalysisFromJsonText(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Error(InvalidArgument("analysis is not JSON", "analysis"));
  return AnalysisFromJson(v);
}

Result<Analysis> AnalysisFromJson(const json::value& v) {
  if (!v.is_object()) return Error(InvalidArgument("an analysis is a JSON object", "body"));
  const json::object& o = v.get_object();
  Analysis a;
  QUELL_ASSIGN_OR_RETURN(a.root_cause, StringField(o, "root_cause", "", true));
  QUELL_ASSIGN_OR_RETURN(std::string severity, StringField(o, "severity", "", true));
  auto parsed = ParseSeverity(severity);
  if (!parsed)
    return Error(InvalidArgument("severity must be critical, high, medium, low or info", "severity"));
  a.severity = *parsed;
  QUELL_ASSIGN_OR_RETURN(a.impact, StringField(o, "impact", "", true));
  const json::value* actions = o.if_contains("recommended_actions");
  if (!actions || !actions->is_array())
    return Error(InvalidArgument("recommended_actions must be an array of strings",
                                 "recommended_actions"));
  for (size_t i = 0; i < actions->get_array().size(); ++i) {
    const auto& item = actions->get_array()[i];
    if (!item.is_string())
      return Error(InvalidArgument("recommended_actions must be an array of strings",
                                   "recommended_actions[" + std::to_string(i) + "]"));
    a.recommended_actions.emplace_back(item.get_string());
  }
  const json::value* confidence = o.if_contains("confidence");
  if (!confidence || !confidence->is_number())
    return Error(InvalidArgument("confidence must be a number in [0, 1]", "confidence"));
  a.confidence = confidence->to_number<double>();
  if (a.confidence < 0 || a.confidence > 1)
    return Error(InvalidArgument("confidence must be a number in [0, 1]", "confidence"));
  QUELL_ASSIGN_OR_RETURN(a.summary, StringField(o, "summary", "", false));
  QUELL_ASSIGN_OR_RETURN(a.analyzer, StringField(o, "analyzer", "", false));
  QUELL_ASSIGN_OR_RETURN(a.input_hash, StringField(o, "input_hash", "", false));
  // Stored analyses carry when they were made; a model's answer does not.
  if (const json::value* at = o.if_contains("created_at"); at && at->is_string())
    if (auto t = ParseRfc3339(std::string_view(at->get_string())); t) a.created_at = *t;
  if (const json::value* llm = o.if_contains("llm"); llm && llm->is_object()) {
    QUELL_ASSIGN_OR_RETURN(a.llm_note, StringField(llm->get_object(), "note", "llm.", false));
    QUELL_ASSIGN_OR_RETURN(a.llm_prompt, StringField(llm->get_object(), "prompt", "llm.", false));
    QUELL_ASSIGN_OR_RETURN(a.llm_primary,
                           StringField(llm->get_object(), "primary", "llm.", false));
    if (const json::value* g = llm->get_object().if_contains("agreement"); g && g->is_object()) {
      auto flag = [&](const char* key) {
        const json::value* flag_value = g->get_object().if_contains(key);
        return flag_value && flag_value->is_bool() && flag_value->get_bool();
      };
      a.agreement = Agreement{flag("agree"), flag("service"), flag("deploy"), flag("severity")};
    }
    if (const json::value* steps = llm->get_object().if_contains("tool_steps");
        steps && steps->is_array())
      for (const auto& step : steps->get_array()) {
        if (!step.is_object()) continue;
        ToolStep t;
        QUELL_ASSIGN_OR_RETURN(t.tool, StringField(step.get_object(), "tool", "llm.tool_steps.", false));
        QUELL_ASSIGN_OR_RETURN(t.arguments,
                               StringField(step.get_object(), "arguments", "llm.tool_steps.", false));
        QUELL_ASSIGN_OR_RETURN(t.result,
                               StringField(step.get_object(), "result", "llm.tool_steps.", false));
        a.tool_steps.push_back(std::move(t));
      }
  }
  if (const json::value* secondary = o.if_contains("secondary"); secondary && secondary->is_object()) {
    QUELL_ASSIGN_OR_RETURN(Analysis other, AnalysisFromJson(*secondary));
    a.secondary.push_back(std::move(other));
  }
  if (const json::value* suspects = o.if_contains("suspects"); suspects && suspects->is_object()) {
    QUELL_ASSIGN_OR_RETURN(a.deploy_suspects,
                           SuspectsFromJson(suspects->get_object().if_contains("deploys"),
                                            "suspects.deploys"));
    QUELL_ASSIGN_OR_RETURN(a.service_suspects,
                           SuspectsFromJson(suspects->get_object().if_contains("services"),
                                            "suspects.services"));
  }
  if (const json::value* evidence = o.if_contains("evidence"); evidence && evidence->is_array()) {
    for (const auto& e : evidence->get_array()) {
      if (!e.is_object()) continue;
      EvidenceItem item;
      QUELL_ASSIGN_OR_RETURN(item.kind, StringField(e.get_object(), "kind", "evidence.", false));
      QUELL_ASSIGN_OR_RETURN(item.ref, StringField(e.get_object(), "ref", "evidence.", false));
      QUELL_ASSIGN_OR_RETURN(item.detail, StringField(e.get_object(), "detail", "evidence.", false));
      a.evidence.push_back(std::move(item));
    }
  }
  return a;
}

}  // namespace quell::model
