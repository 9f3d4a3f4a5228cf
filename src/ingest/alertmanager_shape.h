// Parsing shared by the alert formats shaped like Alertmanager's (its webhook, its API v2, and
// Grafana's webhook): labels, annotations, startsAt/endsAt, generatorURL. Internal to ingest.
#pragma once

#include <initializer_list>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/clock.h"
#include "common/status.h"
#include "model/alert.h"

namespace quell::ingest {

// The first non-empty value among the conventional label names.
std::string FirstLabel(const model::Labels& labels, std::initializer_list<const char*> names);

// Derives service (service|app|job|namespace|alertname), environment (env|environment), name
// (alertname), message (summary|description|message annotation), severity (severity|priority)
// and, when missing, the Alertmanager fingerprint, from labels and annotations.
void FillFromLabels(model::NormalizedAlert& out);

// startsAt / endsAt: RFC 3339; Go's zero time (0001-01-01T00:00:00Z) and null mean "not set".
Result<TimeMs> ReadAmTime(const boost::json::object& obj, const char* key, const std::string& path);

// labels (required, at least one), annotations, startsAt, endsAt, generatorURL.
Status ParseCommon(const boost::json::value& item, const std::string& path,
                   model::NormalizedAlert& out);

// The per-alert `status` (firing | resolved) of webhook payloads.
Status ReadAlertStatus(const boost::json::object& item, const std::string& path,
                       model::NormalizedAlert& out);

// The item as JSON text, with the notification's context fields (groupKey, receiver, ...) added.
std::string RawWithContext(const boost::json::object& item, const boost::json::object& context);

// The "alerts" array of a notification body (required), and its context fields `keys` copied
// into `context`.
Result<const boost::json::array*> NotificationAlerts(const boost::json::object& body,
                                                     std::initializer_list<const char*> keys,
                                                     boost::json::object& context);

// The alerts array, at most kMaxAlertsPerRequest long.
Result<const boost::json::array*> AlertArray(const boost::json::value& v, const std::string& path);

}  // namespace quell::ingest
