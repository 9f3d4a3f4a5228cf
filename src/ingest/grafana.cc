#include "ingest/grafana.h"

#include <boost/json.hpp>

#include "ingest/alertmanager_shape.h"
#include "ingest/json_body.h"

namespace quell::ingest {

namespace json = boost::json;

AdapterResult ParseGrafanaWebhook(std::string_view body) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonBody(body));
  if (!root.is_object())
    return Error(InvalidArgument("a Grafana webhook body is a JSON object", "body"));
  const json::object& obj = root.get_object();
  json::object context;
  QUELL_ASSIGN_OR_RETURN(
      const json::array* alerts,
      NotificationAlerts(obj, {"receiver", "groupKey", "externalURL", "orgId"}, context));

  AdapterOutput output;
  output.alerts.resize(alerts->size());
  for (size_t i = 0; i < alerts->size(); ++i) {
    const std::string path = "alerts[" + std::to_string(i) + "]";
    model::NormalizedAlert& out = output.alerts[i];
    out.source = "grafana";
    Status status = [&]() -> Status {
      QUELL_RETURN_IF_ERROR(ParseCommon((*alerts)[i], path, out));
      const json::object& item = (*alerts)[i].get_object();
      QUELL_RETURN_IF_ERROR(ReadAlertStatus(item, path, out));
      if (const json::value* values = item.if_contains("values"); values && !values->is_null()) {
        if (!values->is_object())
          return InvalidArgument(path + ".values must be an object of numbers", path + ".values");
        for (const auto& [name, number] : values->get_object()) {
          QUELL_ASSIGN_OR_RETURN(double v,
                                 ReadNumber(number, path + ".values." + std::string(name)));
          out.metrics[std::string(name)] = v;
        }
      }
      for (const char* key : {"fingerprint", "silenceURL", "dashboardURL", "panelURL"}) {
        const json::value* v = item.if_contains(key);
        if (!v || v->is_null()) continue;
        QUELL_ASSIGN_OR_RETURN(std::string text, ReadString(*v, path + "." + key));
        if (text.empty()) continue;
        if (std::string_view(key) == "fingerprint") {
          out.fingerprint = std::move(text);
        } else {
          out.annotations[key] = std::move(text);
        }
      }
      out.raw_json = RawWithContext(item, context);
      FillFromLabels(out);
      return Status::Ok();
    }();
    if (!status.ok()) output.item_errors.push_back(std::move(status));
  }
  return output;
}

}  // namespace quell::ingest
