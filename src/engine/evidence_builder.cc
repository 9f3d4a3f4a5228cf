#include "engine/evidence_builder.h"

#include <algorithm>
#include <set>

#include "analysis/stacktrace/stack_trace.h"
#include "engine/incident_changes.h"
#include "model/fingerprint.h"

namespace quell::engine {
namespace {

analysis::similar::IncidentFeatures Features(const model::Incident& incident,
                                             const std::vector<model::Alert>& alerts,
                                             const std::vector<model::Event>& events) {
  analysis::similar::IncidentFeatures f;
  f.id = incident.id;
  f.title = incident.title;
  f.services = incident.services;
  for (const auto& a : alerts) {
    if (!a.data.name.empty()) f.texts.push_back(a.data.name);
    if (!a.data.message.empty()) f.texts.push_back(model::MaskVariableText(a.data.message));
    for (const auto& t : analysis::stacktrace::ExtractStackTraces(a.data.message))
      f.stack_fingerprints.push_back(t.fingerprint);
  }
  for (const auto& e : events)
    if (e.kind == model::EventKind::kResolved && !e.note.empty()) f.resolution_note = e.note;
  return f;
}

}  // namespace

std::vector<std::string> ServicesWithDependencies(const std::vector<std::string>& services,
                                                  const model::Topology& topology) {
  std::set<std::string> all(services.begin(), services.end());
  for (const auto& s : services)
    for (const auto& dep : topology.DependenciesOf(s)) all.insert(dep);
  return {all.begin(), all.end()};
}

Result<analysis::EvidencePack> BuildEvidence(store::Store& store, const model::Topology& topology,
                                             const EvidenceSources& sources, int64_t incident_id,
                                             TimeMs now, const EvidenceOptions& options) {
  analysis::EvidencePack pack;
  pack.now = now;
  pack.topology = topology;
  QUELL_ASSIGN_OR_RETURN(auto incident, store.GetIncident(incident_id));
  if (!incident) return Error(NotFound("no incident " + std::to_string(incident_id)));
  pack.incident = std::move(*incident);
  QUELL_ASSIGN_OR_RETURN(pack.alerts, store.ListAlerts(incident_id, options.alerts_limit, 0));

  TimeMs first_symptom = pack.incident.opened_at;
  for (const auto& a : pack.alerts) {
    TimeMs t = a.data.starts_at > 0 ? std::min(a.data.starts_at, a.first_seen) : a.first_seen;
    if (t > 0) first_symptom = std::min(first_symptom, t);
  }
  const auto services = ServicesWithDependencies(pack.incident.services, topology);
  const TimeMs until = pack.incident.status == model::IncidentStatus::kResolved
                           ? pack.incident.resolved_at
                           : now;
  if (sources.deploys)
    pack.deploys = sources.deploys(services, first_symptom - options.deploy_lookback_ms, until);
  if (sources.log_templates)
    pack.log_templates =
        sources.log_templates(services, first_symptom - options.deploy_lookback_ms, until);
  if (sources.error_lines) pack.error_lines = sources.error_lines(services, first_symptom, until);

  // Similar resolved incidents.
  store::IncidentQuery query;
  query.status = model::IncidentStatus::kResolved;
  query.limit = static_cast<int>(options.similar_candidates);
  QUELL_ASSIGN_OR_RETURN(auto resolved, store.ListIncidents(query));
  std::vector<analysis::similar::IncidentFeatures> past;
  for (const auto& r : resolved) {
    if (r.id == incident_id) continue;
    QUELL_ASSIGN_OR_RETURN(auto alerts, store.ListAlerts(r.id, options.similar_alerts_limit, 0));
    QUELL_ASSIGN_OR_RETURN(auto events, store.ListEvents(r.id));
    past.push_back(Features(r, alerts, events));
  }
  pack.similar = analysis::similar::RankSimilar(Features(pack.incident, pack.alerts, {}), past,
                                                options.similar_limit);
  return pack;
}

}  // namespace quell::engine
