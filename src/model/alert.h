// Alert: one signal from a source, after normalisation, and what Quell knows about it.
// Plain data, no I/O. An alert's identity is its fingerprint; repeats of the same fingerprint
// fold into one Alert row (count, last_seen) while its incident is open.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace quell::model {

using Labels = std::map<std::string, std::string>;
using Metrics = std::map<std::string, double>;

enum class AlertStatus { kFiring, kResolved };
const char* AlertStatusName(AlertStatus status);
std::optional<AlertStatus> ParseAlertStatus(std::string_view text);

// Severity ordered from most to least severe; kUnknown when nobody said.
enum class Severity { kCritical, kHigh, kMedium, kLow, kInfo, kUnknown };
const char* SeverityName(Severity severity);
// Accepts critical|high|medium|low|info and common synonyms (error, warning, page, ...).
std::optional<Severity> ParseSeverity(std::string_view text);
// The more severe of two; kUnknown loses to everything.
Severity MaxSeverity(Severity a, Severity b);

// What an ingest adapter produces from one item of a request: everything needed to fold the
// alert into an incident. Fingerprint is always set by the adapter.
struct NormalizedAlert {
  std::string source = "generic";  // generic | alertmanager | prometheus | grafana | sentry
  std::string fingerprint;
  AlertStatus status = AlertStatus::kFiring;
  std::string service;
  std::string environment;
  std::string name;     // alert name / title
  std::string message;  // error or message text
  Severity severity = Severity::kUnknown;
  Labels labels;
  Labels annotations;
  Metrics metrics;
  std::string deploy;       // deploy id or version the sender named
  TimeMs starts_at = 0;     // when the sender says it started (0: unknown)
  TimeMs ends_at = 0;       // when the sender says it ended (0: not ended)
  std::string raw_json;     // the item exactly as received, unknown fields included
};

// A stored alert: the normalised fields plus dedup state.
struct Alert {
  int64_t id = 0;
  int64_t incident_id = 0;
  NormalizedAlert data;
  TimeMs first_seen = 0;
  TimeMs last_seen = 0;
  int64_t count = 0;          // deliveries folded into this alert
  int flips = 0;              // firing<->resolved transitions within the flap window
  TimeMs flip_window_start = 0;
};

}  // namespace quell::model
