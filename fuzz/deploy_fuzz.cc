// Deploy events (POST /api/v1/deploys): ingest::ParseDeploys; with the first byte odd, the
// topology JSON (PUT /api/v1/topology, incident bundles) instead: ingest::ParseTopologyJson,
// which must round-trip through TopologyToJson.
#include <boost/json.hpp>

#include "common/time_format.h"
#include "fuzz_support.h"
#include "ingest/deploy_event.h"
#include "ingest/json_body.h"
#include "ingest/topology_json.h"

namespace {

void CheckTime(quell::TimeMs t) {
  FUZZ_CHECK(t == 0 || (t >= quell::kMinTimeMs && t <= quell::kMaxTimeMs), std::to_string(t));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ingest = quell::ingest;
  if (size == 0) return 0;
  const std::string_view body = quell::fuzz::AsText(data + 1, size - 1);
  if ((data[0] & 1) == 0) {
    auto parsed = ingest::ParseDeploys(body);
    if (!parsed || !parsed->item_errors.empty()) return 0;
    for (const auto& d : parsed->deploys) {
      FUZZ_CHECK(!d.service.empty(), d.raw_json);
      FUZZ_CHECK(!d.version.empty(), d.raw_json);
      CheckTime(d.started_at);
      CheckTime(d.finished_at);
    }
    return 0;
  }
  auto value = ingest::ParseJsonBody(body);
  if (!value) return 0;
  auto topology = ingest::ParseTopologyJson(*value);
  if (!topology) return 0;
  const boost::json::value json = ingest::TopologyToJson(*topology);
  auto again = ingest::ParseTopologyJson(json);
  FUZZ_CHECK(again.has_value(), boost::json::serialize(json));
  FUZZ_CHECK(again->depends_on() == topology->depends_on(), boost::json::serialize(json));
  return 0;
}
