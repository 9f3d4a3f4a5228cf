// The topology's JSON form, shared by PUT /api/v1/topology and incident bundles:
//   {"services": {"api": {"depends_on": ["redis", "postgres"]}, ...}}  or  {"api": ["redis"]}.
// Exposes Boost.JSON types: include it only in .cc files.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "common/status.h"
#include "model/topology.h"

namespace quell::ingest {

// Errors name the field ("topology.api.depends_on[1]"); `prefix` is the path of the value.
Result<model::Topology> ParseTopologyJson(const boost::json::value& value,
                                          const std::string& prefix = "topology");
boost::json::value TopologyToJson(const model::Topology& topology);

}  // namespace quell::ingest
