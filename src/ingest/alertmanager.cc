#include "ingest/alertmanager.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "ingest/json_body.h"

namespace quell::ingest {
namespace {

namespace json = boost::json;

// Alertmanager labels carry the context Quell needs under a few conventional names.
std::string FirstLabel(const model::Labels& labels, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = labels.find(name);
    if (it != labels.end() && !it->second.empty()) return it->second;
  }
  return {};
}

// Fills the fields every Alertmanager-shaped alert shares from its labels and annotations.
void FillFromLabels(model::NormalizedAlert& out) {
  out.name = FirstLabel(out.labels, {"alertname"});
  out.service = FirstLabel(out.labels, {"service", "app", "job", "namespace", "alertname"});
  out.environment = FirstLabel(out.labels, {"env", "environment"});
  out.message = FirstLabel(out.annotations, {"summary", "description", "message"});
  if (out.message.empty()) out.message = out.name;
  if (auto severity = model::ParseSeverity(FirstLabel(out.labels, {"severity", "priority"})))
    out.severity = *severity;
  if (out.fingerprint.empty()) out.fingerprint = AlertmanagerFingerprint(out.labels);
}

// startsAt / endsAt: RFC 3339; Go's zero time means "not set".
Result<TimeMs> ReadAmTime(const json::object& obj, const char* key, const std::string& path) {
  const json::value* v = obj.if_contains(key);
  if (!v || v->is_null()) return 0;
  if (v->is_string() && v->get_string().starts_with("0001-01-01T00:00:00")) return 0;
  if (!v->is_string()) return Error(InvalidArgument(path + " must be an RFC 3339 string", path));
  return ReadTimestamp(*v, path);
}

Status ParseCommon(const json::value& item, const std::string& path, model::NormalizedAlert& out) {
  if (!item.is_object()) return InvalidArgument(path + " must be an object", path);
  const json::object& obj = item.get_object();
  const json::value* labels = obj.if_contains("labels");
  if (!labels) return InvalidArgument(path + ".labels is required", path + ".labels");
  QUELL_ASSIGN_OR_RETURN(out.labels, ReadStringMap(*labels, path + ".labels"));
  if (out.labels.empty())
    return InvalidArgument(path + ".labels must have at least one label", path + ".labels");
  if (const json::value* annotations = obj.if_contains("annotations");
      annotations && !annotations->is_null()) {
    QUELL_ASSIGN_OR_RETURN(out.annotations, ReadStringMap(*annotations, path + ".annotations"));
  }
  QUELL_ASSIGN_OR_RETURN(out.starts_at, ReadAmTime(obj, "startsAt", path + ".startsAt"));
  QUELL_ASSIGN_OR_RETURN(out.ends_at, ReadAmTime(obj, "endsAt", path + ".endsAt"));
  if (const json::value* url = obj.if_contains("generatorURL"); url && !url->is_null()) {
    QUELL_ASSIGN_OR_RETURN(std::string text, ReadString(*url, path + ".generatorURL"));
    (void)text;  // kept in raw_json
  }
  return Status::Ok();
}

Result<const json::array*> AlertArray(const json::value& v, const std::string& path) {
  if (!v.is_array()) return Error(InvalidArgument(path + " must be an array", path));
  const json::array& items = v.get_array();
  if (items.size() > kMaxAlertsPerRequest)
    return Error(InvalidArgument("more than " + std::to_string(kMaxAlertsPerRequest) + " alerts",
                                 path));
  return &items;
}

}  // namespace

std::string AlertmanagerFingerprint(const model::Labels& labels) {
  uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64 offset basis
  auto mix = [&hash](std::string_view bytes) {
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 1099511628211ULL;  // FNV-1a 64 prime
    }
  };
  for (const auto& [name, value] : labels) {  // std::map: sorted by name
    if (value.empty()) continue;
    mix(name);
    mix("\xff");
    mix(value);
    mix("\xff");
  }
  return fmt::format("{:016x}", hash);
}

AdapterResult ParseAlertmanagerWebhook(std::string_view body) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonBody(body));
  if (!root.is_object())
    return Error(InvalidArgument("an Alertmanager webhook body is a JSON object", "body"));
  const json::object& obj = root.get_object();
  if (const json::value* version = obj.if_contains("version");
      version && !(version->is_string() && version->get_string() == "4"))
    return Error(InvalidArgument("only webhook version \"4\" is supported", "version"));
  const json::value* alerts_value = obj.if_contains("alerts");
  if (!alerts_value) return Error(InvalidArgument("alerts is required", "alerts"));
  QUELL_ASSIGN_OR_RETURN(const json::array* alerts, AlertArray(*alerts_value, "alerts"));

  // Group context kept with every alert's raw payload.
  json::object context;
  for (const char* key : {"groupKey", "receiver", "externalURL"})
    if (const json::value* v = obj.if_contains(key)) context[key] = *v;

  AdapterOutput output;
  output.alerts.resize(alerts->size());
  for (size_t i = 0; i < alerts->size(); ++i) {
    const std::string path = "alerts[" + std::to_string(i) + "]";
    model::NormalizedAlert& out = output.alerts[i];
    out.source = "alertmanager";
    Status status = ParseCommon((*alerts)[i], path, out);
    if (status.ok()) {
      const json::object& item = (*alerts)[i].get_object();
      const json::value* s = item.if_contains("status");
      auto parsed = s && s->is_string() ? model::ParseAlertStatus(s->get_string()) : std::nullopt;
      if (!parsed) {
        status = InvalidArgument(path + ".status must be firing or resolved", path + ".status");
      } else {
        out.status = *parsed;
        if (const json::value* fp = item.if_contains("fingerprint"); fp && fp->is_string())
          out.fingerprint = std::string(fp->get_string());
        json::object raw = item;
        for (const auto& [k, v] : context) raw[k] = v;
        out.raw_json = json::serialize(raw);
        FillFromLabels(out);
      }
    }
    if (!status.ok()) output.item_errors.push_back(std::move(status));
  }
  return output;
}

AdapterResult ParseAlertmanagerV2Alerts(std::string_view body, TimeMs now) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonBody(body));
  QUELL_ASSIGN_OR_RETURN(const json::array* alerts, AlertArray(root, "body"));
  AdapterOutput output;
  output.alerts.resize(alerts->size());
  for (size_t i = 0; i < alerts->size(); ++i) {
    const std::string path = "[" + std::to_string(i) + "]";
    model::NormalizedAlert& out = output.alerts[i];
    out.source = "prometheus";
    Status status = ParseCommon((*alerts)[i], path, out);
    if (status.ok() && out.ends_at != 0 && out.starts_at != 0 && out.ends_at < out.starts_at)
      status = InvalidArgument(path + ".endsAt is before startsAt", path + ".endsAt");
    if (!status.ok()) {
      output.item_errors.push_back(std::move(status));
      continue;
    }
    out.status = out.ends_at != 0 && out.ends_at <= now ? model::AlertStatus::kResolved
                                                         : model::AlertStatus::kFiring;
    if (out.status == model::AlertStatus::kFiring) out.ends_at = 0;
    out.raw_json = json::serialize((*alerts)[i]);
    FillFromLabels(out);
  }
  return output;
}

}  // namespace quell::ingest
