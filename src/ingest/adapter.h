// What every ingest adapter (generic JSON, Alertmanager, Grafana, Sentry, ...) turns a request
// body into. Requests are all-or-nothing: if any item is invalid, none is accepted and every
// invalid item is reported with the field that is wrong.
#pragma once

#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/alert.h"

namespace quell::ingest {

struct AdapterOutput {
  std::vector<model::NormalizedAlert> alerts;
  std::vector<Status> item_errors;  // empty when every item is valid
};

// A body-level problem (not JSON, wrong shape) is the error side of the Result.
using AdapterResult = Result<AdapterOutput>;

// Most alerts one request may carry.
inline constexpr size_t kMaxAlertsPerRequest = 10000;

}  // namespace quell::ingest
