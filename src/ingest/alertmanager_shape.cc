#include "ingest/alertmanager_shape.h"

#include <boost/json.hpp>

#include "ingest/alertmanager.h"
#include "ingest/json_body.h"
#include "model/fingerprint.h"

namespace quell::ingest {

namespace json = boost::json;

std::string FirstLabel(const model::Labels& labels, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = labels.find(name);
    if (it != labels.end() && !it->second.empty()) return it->second;
  }
  return {};
}

void FillFromLabels(model::NormalizedAlert& out) {
  out.name = FirstLabel(out.labels, {"alertname"});
  out.service = FirstLabel(out.labels, {"service", "app", "job", "namespace", "alertname"});
  out.environment = FirstLabel(out.labels, {"env", "environment"});
  out.message = FirstLabel(out.annotations, {"summary", "description", "message"});
  if (out.message.empty()) out.message = out.name;
  if (auto severity = model::ParseSeverity(FirstLabel(out.labels, {"severity", "priority"})))
    out.severity = *severity;
  if (out.fingerprint.empty()) out.fingerprint = model::AlertmanagerFingerprint(out.labels);
}

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

Result<const json::array*> NotificationAlerts(const json::object& body,
                                              std::initializer_list<const char*> keys,
                                              json::object& context) {
  const json::value* alerts = body.if_contains("alerts");
  if (!alerts) return Error(InvalidArgument("alerts is required", "alerts"));
  for (const char* key : keys)
    if (const json::value* v = body.if_contains(key)) context[key] = *v;
  return AlertArray(*alerts, "alerts");
}

Status ReadAlertStatus(const json::object& item, const std::string& path,
                       model::NormalizedAlert& out) {
  const json::value* s = item.if_contains("status");
  auto parsed = s && s->is_string() ? model::ParseAlertStatus(s->get_string()) : std::nullopt;
  if (!parsed) return InvalidArgument(path + ".status must be firing or resolved", path + ".status");
  out.status = *parsed;
  return Status::Ok();
}

std::string RawWithContext(const json::object& item, const json::object& context) {
  json::object raw = item;
  for (const auto& [k, v] : context) raw[k] = v;
  return json::serialize(raw);
}

}  // namespace quell::ingest
