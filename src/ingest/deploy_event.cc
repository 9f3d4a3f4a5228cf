#include "ingest/deploy_event.h"

#include <boost/json.hpp>

#include "ingest/adapter.h"
#include "ingest/json_body.h"

namespace quell::ingest {
namespace {

namespace json = boost::json;

Status ParseOne(const json::value& item, const std::string& prefix, model::Deploy& out) {
  auto path = [&](std::string_view f) {
    return prefix.empty() ? std::string(f) : prefix + "." + std::string(f);
  };
  if (!item.is_object())
    return InvalidArgument((prefix.empty() ? "the deploy" : prefix) + " must be a JSON object",
                           prefix.empty() ? "body" : prefix);
  const json::object& o = item.get_object();
  const json::value* service = o.if_contains("service");
  if (!service || (service->is_string() && service->get_string().empty()))
    return InvalidArgument(path("service") + " is required", path("service"));
  QUELL_ASSIGN_OR_RETURN(out.service, ReadString(*service, path("service"), 256));
  for (const char* key : {"version", "id"}) {
    if (const json::value* v = o.if_contains(key); v && !v->is_null() && out.version.empty()) {
      QUELL_ASSIGN_OR_RETURN(out.version, ReadStringOrNumber(*v, path(key)));
    }
  }
  if (out.version.empty())
    return InvalidArgument(path("version") + ": version or id is required", path("version"));
  struct Field {
    const char* key;
    std::string* target;
  } fields[] = {{"environment", &out.environment}, {"commit", &out.commit},
                {"author", &out.author},           {"status", &out.status},
                {"description", &out.description}, {"url", &out.url}};
  for (const auto& f : fields) {
    const json::value* v = o.if_contains(f.key);
    if (!v || v->is_null()) continue;
    QUELL_ASSIGN_OR_RETURN(*f.target, ReadString(*v, path(f.key), 4096));
  }
  if (const json::value* v = o.if_contains("started_at"); v && !v->is_null()) {
    QUELL_ASSIGN_OR_RETURN(out.started_at, ReadTimestamp(*v, path("started_at")));
  }
  if (const json::value* v = o.if_contains("finished_at"); v && !v->is_null()) {
    QUELL_ASSIGN_OR_RETURN(out.finished_at, ReadTimestamp(*v, path("finished_at")));
  }
  if (out.started_at && out.finished_at && out.finished_at < out.started_at)
    return InvalidArgument(path("finished_at") + " is before started_at", path("finished_at"));
  out.raw_json = json::serialize(item);
  return Status::Ok();
}

}  // namespace

Result<DeployParse> ParseDeploys(std::string_view body) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonBody(body));
  DeployParse out;
  if (root.is_array()) {
    const auto& items = root.get_array();
    if (items.empty()) return Error(InvalidArgument("the deploy array is empty", "body"));
    if (items.size() > kMaxAlertsPerRequest)
      return Error(InvalidArgument("too many deploys in one request", "body"));
    out.deploys.resize(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      Status s = ParseOne(items[i], "deploys[" + std::to_string(i) + "]", out.deploys[i]);
      if (!s.ok()) out.item_errors.push_back(std::move(s));
    }
  } else {
    out.deploys.resize(1);
    Status s = ParseOne(root, "", out.deploys[0]);
    if (!s.ok()) out.item_errors.push_back(std::move(s));
  }
  return out;
}

}  // namespace quell::ingest
