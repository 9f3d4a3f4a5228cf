#include "ingest/generic_alert.h"

#include <boost/json.hpp>

#include "ingest/json_body.h"
#include "model/fingerprint.h"

namespace quell::ingest {
namespace {

namespace json = boost::json;

constexpr size_t kMaxServiceLen = 256;

Status ParseOne(const json::value& item, const std::string& prefix, model::NormalizedAlert& out) {
  auto path = [&](std::string_view field) {
    return prefix.empty() ? std::string(field) : prefix + "." + std::string(field);
  };
  if (!item.is_object())
    return InvalidArgument((prefix.empty() ? "the alert" : prefix) + " must be a JSON object",
                           prefix.empty() ? "body" : prefix);
  const json::object& obj = item.get_object();
  out.source = "generic";

  const json::value* service = obj.if_contains("service");
  if (!service || (service->is_string() && service->get_string().empty()))
    return InvalidArgument(path("service") + " is required", path("service"));
  QUELL_ASSIGN_OR_RETURN(out.service, ReadString(*service, path("service"), kMaxServiceLen));

  for (const auto& [key, value] : obj) {
    const std::string field = path(key);
    if (key == "service") continue;
    if (key == "error" || key == "message") {
      if (value.is_null()) continue;
      QUELL_ASSIGN_OR_RETURN(auto text, ReadString(value, field, 64 * 1024));
      if (out.message.empty() || key == "error") out.message = std::move(text);
    } else if (key == "title" || key == "name") {
      QUELL_ASSIGN_OR_RETURN(out.name, ReadString(value, field, 1024));
    } else if (key == "severity") {
      QUELL_ASSIGN_OR_RETURN(auto text, ReadString(value, field, 64));
      auto severity = model::ParseSeverity(text);
      if (!severity)
        return InvalidArgument(field + " must be one of critical, high, medium, low, info", field);
      out.severity = *severity;
    } else if (key == "status") {
      QUELL_ASSIGN_OR_RETURN(auto text, ReadString(value, field, 64));
      auto status = model::ParseAlertStatus(text);
      if (!status) return InvalidArgument(field + " must be firing or resolved", field);
      out.status = *status;
    } else if (key == "environment" || key == "env") {
      QUELL_ASSIGN_OR_RETURN(out.environment, ReadString(value, field, kMaxServiceLen));
    } else if (key == "labels") {
      QUELL_ASSIGN_OR_RETURN(out.labels, ReadStringMap(value, field));
    } else if (key == "annotations") {
      QUELL_ASSIGN_OR_RETURN(out.annotations, ReadStringMap(value, field));
    } else if (key == "metrics") {
      if (!value.is_object()) return InvalidArgument(field + " must be an object of numbers", field);
      for (const auto& [name, number] : value.get_object()) {
        QUELL_ASSIGN_OR_RETURN(double v, ReadNumber(number, field + "." + std::string(name)));
        out.metrics[std::string(name)] = v;
      }
    } else if (key == "deploy") {
      QUELL_ASSIGN_OR_RETURN(out.deploy, ReadStringOrNumber(value, field));
    } else if (key == "timestamp") {
      QUELL_ASSIGN_OR_RETURN(out.starts_at, ReadTimestamp(value, field));
    } else if (key == "fingerprint") {
      QUELL_ASSIGN_OR_RETURN(out.fingerprint, ReadString(value, field, 128));
      if (out.fingerprint.empty()) return InvalidArgument(field + " must not be empty", field);
    } else if (value.is_number()) {
      out.metrics[std::string(key)] = value.to_number<double>();  // e.g. "latency": 4200
    }
    // Anything else is kept in raw_json only.
  }
  if (out.message.empty() && out.name.empty())
    return InvalidArgument(path("error") + ": one of error, message or title is required",
                           path("error"));
  if (out.status == model::AlertStatus::kResolved) {
    out.ends_at = out.starts_at;
    out.starts_at = 0;
  }
  if (out.fingerprint.empty()) out.fingerprint = model::GenericFingerprint(out);
  out.raw_json = json::serialize(item);
  return Status::Ok();
}

}  // namespace

AdapterResult ParseGenericAlerts(std::string_view body) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonBody(body));
  AdapterOutput output;
  if (root.is_array()) {
    const auto& items = root.get_array();
    if (items.empty()) return Error(InvalidArgument("the alert array is empty", "body"));
    if (items.size() > kMaxAlertsPerRequest)
      return Error(InvalidArgument("more than " + std::to_string(kMaxAlertsPerRequest) +
                                       " alerts in one request",
                                   "body"));
    output.alerts.resize(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      Status status = ParseOne(items[i], "alerts[" + std::to_string(i) + "]", output.alerts[i]);
      if (!status.ok()) output.item_errors.push_back(std::move(status));
    }
  } else {
    output.alerts.resize(1);
    Status status = ParseOne(root, "", output.alerts[0]);
    if (!status.ok()) output.item_errors.push_back(std::move(status));
  }
  return output;
}

}  // namespace quell::ingest
