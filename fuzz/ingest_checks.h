// Invariants every ingest adapter promises (ingest/adapter.h) for a body it accepted: each alert
// has a fingerprint, times inside the accepted range, raw_json that is JSON, and serialises.
#pragma once

#include <boost/json.hpp>

#include "common/time_format.h"
#include "fuzz_support.h"
#include "ingest/adapter.h"
#include "model/json_codec.h"

namespace quell::fuzz {

inline void CheckAlert(const model::NormalizedAlert& alert) {
  FUZZ_CHECK(!alert.fingerprint.empty(), alert.raw_json);
  FUZZ_CHECK(alert.starts_at == 0 || (alert.starts_at >= kMinTimeMs && alert.starts_at <= kMaxTimeMs),
             std::to_string(alert.starts_at));
  FUZZ_CHECK(alert.ends_at == 0 || (alert.ends_at >= kMinTimeMs && alert.ends_at <= kMaxTimeMs),
             std::to_string(alert.ends_at));
  if (!alert.raw_json.empty()) {
    boost::system::error_code ec;
    boost::json::parse(alert.raw_json, ec);
    FUZZ_CHECK(!ec, alert.raw_json);
  }
  // What the API answers and stores: must serialise whatever the strings hold.
  (void)boost::json::serialize(model::NormalizedAlertToJson(alert));
  (void)FormatRfc3339(alert.starts_at);
  (void)FormatRfc3339(alert.ends_at);
}

inline void CheckAdapterResult(const ingest::AdapterResult& result) {
  if (!result) {
    FUZZ_CHECK(!result.error().ok(), "an error result without an error");
    return;
  }
  FUZZ_CHECK(result->alerts.size() <= ingest::kMaxAlertsPerRequest,
             std::to_string(result->alerts.size()));
  for (const auto& error : result->item_errors) FUZZ_CHECK(!error.ok(), "an ok item error");
  if (!result->item_errors.empty()) return;  // all-or-nothing: nothing is used
  for (const auto& alert : result->alerts) CheckAlert(alert);
}

}  // namespace quell::fuzz
