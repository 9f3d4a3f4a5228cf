#include "model/json_codec.h"

#include <boost/json.hpp>

#include "common/time_format.h"

namespace quell::model {
namespace {

namespace json = boost::json;

json::value Time(TimeMs t) {
  if (t == 0) return nullptr;
  return json::value(FormatRfc3339(t));
}

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

json::value IncidentToJson(const Incident& incident) {
  json::array services;
  for (const auto& s : incident.services) services.emplace_back(s);
  return json::object{
      {"id", incident.id},
      {"title", incident.title},
      {"status", IncidentStatusName(incident.status)},
      {"severity", SeverityName(incident.severity)},
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

}  // namespace quell::model
