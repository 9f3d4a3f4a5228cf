// GET /api/v1/topology (read): the effective topology, the union of the configured one (config
// file, QUELL_TOPOLOGY) and the one set through the API. PUT /api/v1/topology (admin): replaces
// the API-managed part, stored in the database, and takes effect at once.
#include <boost/json.hpp>

#include "http/json_response.h"
#include "http/routes.h"
#include "ingest/json_body.h"
#include "ingest/topology_json.h"

namespace quell::http {

namespace json = boost::json;

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
                deps.engine.SetTopology(model::Topology::Merge(deps.configured_topology, *topology));
                respond(JsonResponse(200, ingest::TopologyToJson(*deps.engine.topology())));
              }});
}

}  // namespace quell::http
