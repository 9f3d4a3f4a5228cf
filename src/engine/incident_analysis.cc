// Engine::Analyze: evidence in, analysis stored, one timeline entry per changed analysis.
#include <algorithm>

#include <fmt/format.h>

#include "analysis/analyst.h"
#include "engine/conflict_retry.h"
#include "engine/engine.h"
#include "engine/evidence_builder.h"
#include "engine/incident_changes.h"
#include "model/json_codec.h"

namespace quell::engine {
namespace {

// Why the analysis chose its severity: its last severity evidence (the built-in analyst lists
// each step that raised it, the deciding one last). Empty when it gave none (a model's answer).
std::string SeverityReason(const model::Analysis& analysis) {
  for (auto it = analysis.evidence.rbegin(); it != analysis.evidence.rend(); ++it)
    if (it->kind == "severity") return it->detail;
  return "";
}

}  // namespace

Result<model::Analysis> Engine::Analyze(int64_t incident_id, analysis::Analyst& analyst,
                                        const EvidenceSources& sources, bool force) {
  const TimeMs now = clock_.Now();
  QUELL_ASSIGN_OR_RETURN(auto pack, BuildEvidence(store_, *topology(), sources, incident_id, now));
  const std::string hash = analysis::EvidenceHash(pack);
  if (!force && !pack.incident.analysis_json.empty()) {
    auto previous = model::AnalysisFromJsonText(pack.incident.analysis_json);
    if (previous && previous->input_hash == hash) return *previous;
  }
  QUELL_ASSIGN_OR_RETURN(model::Analysis result, analyst.Analyze(pack));
  result.created_at = now;
  result.input_hash = hash;

  // Stored with a retry on a conflict with another node: the analyst's answer is not asked
  // for again.
  return RetryOnConflict([&]() -> Result<model::Analysis> {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_RETURN_IF_ERROR(tx->SetAnalysis(incident_id, model::AnalysisToJsonText(result), now));
    QUELL_RETURN_IF_ERROR(AppendIncidentEvent(
        *tx, incident_id, model::EventKind::kAnalysis, result.analyzer, "",
        fmt::format("{} (confidence {:.2f}, severity {})", result.root_cause, result.confidence,
                    model::SeverityName(result.severity)),
        now));
    // The incident's own severity follows the analysis above the senders' (incident_changes.h).
    // Read in this transaction: an alert that arrived while the analyst ran has raised it.
    QUELL_ASSIGN_OR_RETURN(auto incident, tx->FindIncident(incident_id));
    if (!incident) return Error(NotFound("no incident " + std::to_string(incident_id)));
    const model::Severity severity = SeverityAfterAnalysis(*incident, result.severity);
    if (severity != incident->severity) {
      QUELL_RETURN_IF_ERROR(AppendIncidentEvent(
          *tx, incident_id, model::EventKind::kSeverityChanged, result.analyzer, "",
          SeverityChangeNote(incident->severity, severity, result.severity,
                             incident->alert_severity, SeverityReason(result)),
          now));
      incident->severity = severity;
      incident->updated_at = now;
      QUELL_RETURN_IF_ERROR(tx->UpdateIncident(*incident));
    }
    // A tool-using investigation leaves one entry per step, so the timeline shows what the model
    // looked at; the actor is the model even when the built-in answer is primary.
    const std::string& tool_user = result.analyzer != "builtin"  ? result.analyzer
                                   : !result.secondary.empty() ? result.secondary.front().analyzer
                                                               : result.analyzer;
    for (const auto& step : result.tool_steps)
      QUELL_RETURN_IF_ERROR(AppendIncidentEvent(
          *tx, incident_id, model::EventKind::kAnalysis, tool_user, "",
          fmt::format("looked up {} {}: {}", step.tool, step.arguments, step.result), now));
    QUELL_RETURN_IF_ERROR(EnqueueJob(*tx, kNotifyJob, incident_id, now));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    return result;
  });
}

Result<TimeMs> Engine::AnalysisWait(int64_t incident_id) {
  // Read in a transaction: a plain store read would first commit the store's batch, and in an
  // alert storm this runs for every analyze job of every incident.
  std::optional<std::string> analysis;
  {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(auto incident, tx->FindIncident(incident_id));
    if (!incident) return Error(NotFound("no incident " + std::to_string(incident_id)));
    QUELL_ASSIGN_OR_RETURN(analysis, tx->FindAnalysis(incident_id));
  }  // nothing written: dropping the transaction undoes nothing
  if (!analysis || analysis->empty()) return TimeMs{0};
  auto previous = model::AnalysisFromJsonText(*analysis);
  if (!previous) return TimeMs{0};
  const TimeMs due = previous->created_at + options_.analyze_min_interval_ms;
  return std::max(TimeMs{0}, due - clock_.Now());
}

}  // namespace quell::engine
