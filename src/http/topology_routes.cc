// GET /api/v1/topology (read): the effective topology, the union of the configured one (config
// file, QUELL_TOPOLOGY) and the one set through the API. PUT /api/v1/topology (admin): replaces
// the API-managed part, stored in the database, and takes effect at once (on other nodes when
// they hear of it: ReloadTopology).
#include <boost/json.hpp>

#include <mutex>

#include "http/json_response.h"
#include "http/routes.h"
#include "ingest/json_body.h"
#include "ingest/topology_json.h"

namespace quell::http {

namespace json = boost::json;

Status ReloadTopology(engine::Engine& engine, store::Store& store,
                      const model::Topology& configured) {
  static std::mutex reloading;  // read and set as one step (routes.h)
  std::lock_guard lock(reloading);
  QUELL_ASSIGN_OR_RETURN(auto text, store.GetSetting(kTopologySetting));
  model::Topology stored;
  if (text) {
    boost::system::error_code ec;
    auto value = json::parse(*text, ec);
    if (ec) return Internal("stored topology is not JSON");
    QUELL_ASSIGN_OR_RETURN(stored, ingest::ParseTopologyJson(value));
  }
  engine.SetTopology(model::Topology::Merge(configured, stored));
  return Status::Ok();
}

void AddTopologyRoutes(Router& router, const ApiDeps& deps) {
  router.Add({"GET", "/api/v1/topology", store::Scope::kRead,
              [deps](HttpRequest&, const PathParams&, Responder respond) {
                json::object body = ingest::TopologyToJson(*deps.engine.topology()).as_object();
                body["configured"] = ingest::TopologyToJson(deps.configured_topology).at("services");
                respond(JsonResponse(200, body));
              }});
  router.Add({"PUT", "/api/v1/topology", store::Scope::kAdmin,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
                auto root = ingest::ParseJsonBody(request.body);
                if (!root) return respond(ErrorResponse(root.error()));
                auto topology = ingest::ParseTopologyJson(*root, "body");
                if (!topology) return respond(ErrorResponse(topology.error()));
                Status saved = deps.store.PutSetting(
                    kTopologySetting, json::serialize(ingest::TopologyToJson(*topology)));
                if (!saved.ok()) return respond(ErrorResponse(saved));
                // Read back, not set from the body: a later PUT on another node may have won.
                saved = ReloadTopology(deps.engine, deps.store, deps.configured_topology);
                if (!saved.ok()) return respond(ErrorResponse(saved));
                respond(JsonResponse(200, ingest::TopologyToJson(*deps.engine.topology())));
              }});
}

}  // namespace quell::http
