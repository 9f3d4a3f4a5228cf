// Engine::RecordDeploys: a deploy is context for the incidents it may have caused.
#include <set>

#include <fmt/format.h>

#include "engine/conflict_retry.h"
#include "engine/engine.h"
#include "engine/incident_changes.h"

namespace quell::engine {

Result<std::vector<model::Deploy>> Engine::RecordDeploys(std::vector<model::Deploy> deploys) {
  QUELL_RETURN_IF_ERROR(RetryOnConflict([&] { return TryRecordDeploys(deploys); }));
  return deploys;
}

Status Engine::TryRecordDeploys(std::vector<model::Deploy>& deploys) {
  const TimeMs now = clock_.Now();
  const auto topo = topology();
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  for (auto& d : deploys) {
    d.received_at = now;
    QUELL_ASSIGN_OR_RETURN(d.id, tx->InsertDeploy(d));
    // The deployed service and its callers: their open incidents may be this deploy's doing.
    std::vector<std::string> services = {d.service};
    for (const auto& caller : topo->DependentsOf(d.service)) services.push_back(caller);
    std::set<int64_t> touched;
    for (const auto& service : services) {
      QUELL_ASSIGN_OR_RETURN(auto incidents, tx->FindOpenIncidentsWithService(service));
      for (const auto& incident : incidents) {
        if (!touched.insert(incident.id).second) continue;
        std::string note = fmt::format("deploy {} of {}", d.version, d.service);
        if (!d.author.empty()) note += " by " + d.author;
        if (!d.commit.empty()) note += " (" + d.commit + ")";
        if (!d.status.empty()) note += ", " + d.status;
        QUELL_RETURN_IF_ERROR(AppendIncidentEvent(*tx, incident.id, model::EventKind::kDeploy,
                                                  d.author.empty() ? "deploy" : d.author, "",
                                                  note, now));
        QUELL_RETURN_IF_ERROR(
            EnqueueJob(*tx, kAnalyzeJob, incident.id, now + options_.analyze_delay_ms));
      }
    }
  }
  return tx->Commit();
}

}  // namespace quell::engine
