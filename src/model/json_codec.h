// JSON views of the model for the API and notifications. Boost.JSON types are only declared
// here; callers that use the results include <boost/json.hpp> in their .cc.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "model/alert.h"
#include "model/analysis.h"
#include "model/incident.h"

namespace boost::json {
class value;
}  // namespace boost::json

namespace quell::model {

// A time as an RFC 3339 string, or null when unset (0).
boost::json::value TimeToJson(TimeMs t);

// Times are RFC 3339 strings (null when unset); raw_json and analysis_json are embedded parsed.
boost::json::value IncidentToJson(const Incident& incident);
boost::json::value AlertToJson(const Alert& alert);
// The normalised fields only (what an ingest adapter produced).
boost::json::value NormalizedAlertToJson(const NormalizedAlert& alert);
boost::json::value EventToJson(const Event& event);

// The Analysis in its public JSON shape: root_cause, severity, impact, recommended_actions,
// confidence, summary, suspects {deploys, services}, evidence, analyzer, created_at, input_hash.
boost::json::value AnalysisToJson(const Analysis& analysis);
std::string AnalysisToJsonText(const Analysis& analysis);
// Reads that shape back; InvalidArgument naming the field when a required one is missing or of
// the wrong type (used to validate LLM answers too).
Result<Analysis> AnalysisFromJson(const boost::json::value& json);
// The same from stored text (Incident::analysis_json).
Result<Analysis> AnalysisFromJsonText(std::string_view text);

}  // namespace quell::model
