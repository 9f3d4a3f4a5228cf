#include "ingest/alertmanager.h"

#include <boost/json.hpp>

#include "ingest/alertmanager_shape.h"
#include "ingest/json_body.h"

namespace quell::ingest {
namespace {

namespace json = boost::json;

}  // namespace

AdapterResult ParseAlertmanagerWebhook(std::string_view body) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonBody(body));
  if (!root.is_object())
    return Error(InvalidArgument("an Alertmanager webhook body is a JSON object", "body"));
  const json::object& obj = root.get_object();
  if (const json::value* version = obj.if_contains("version");
      version && !(version->is_string() && version->get_string() == "4"))
    return Error(InvalidArgument("only webhook version \"4\" is supported", "version"));
  // Group context kept with every alert's raw payload.
  json::object context;
  QUELL_ASSIGN_OR_RETURN(const json::array* alerts,
                         NotificationAlerts(obj, {"groupKey", "receiver", "externalURL"}, context));

  AdapterOutput output;
  output.alerts.resize(alerts->size());
  for (size_t i = 0; i < alerts->size(); ++i) {
    const std::string path = "alerts[" + std::to_string(i) + "]";
    model::NormalizedAlert& out = output.alerts[i];
    out.source = "alertmanager";
    Status status = ParseCommon((*alerts)[i], path, out);
    if (status.ok()) status = ReadAlertStatus((*alerts)[i].get_object(), path, out);
    if (status.ok()) {
      const json::object& item = (*alerts)[i].get_object();
      if (const json::value* fp = item.if_contains("fingerprint"); fp && fp->is_string())
        out.fingerprint = std::string(fp->get_string());
      out.raw_json = RawWithContext(item, context);
      FillFromLabels(out);
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
