// The generic alert format (POST /api/v1/alerts): one JSON object, or an array of them.
//
// Fields: service (required), error | message | title (at least one), severity, status
// (firing|resolved), environment, labels (string map), metrics (number map; other top-level
// numbers count as metrics too), deploy, timestamp (RFC 3339 or epoch s/ms), fingerprint.
// Unknown fields are kept in raw_json. Without a fingerprint, model::GenericFingerprint is used.
#pragma once

#include <string_view>

#include "ingest/adapter.h"

namespace quell::ingest {

AdapterResult ParseGenericAlerts(std::string_view body);

}  // namespace quell::ingest
