// Deploy events (POST /api/v1/deploys): one object or an array, all-or-nothing.
// Fields: service (required), environment, version or id (one required; numbers allowed),
// commit, author, started_at, finished_at (RFC 3339 or epoch s/ms), status, description, url.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/deploy.h"

namespace quell::ingest {

struct DeployParse {
  std::vector<model::Deploy> deploys;
  std::vector<Status> item_errors;
};

Result<DeployParse> ParseDeploys(std::string_view body);

}  // namespace quell::ingest
