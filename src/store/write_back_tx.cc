#include "store/write_back_tx.h"

#include <algorithm>

namespace quell::store {

using model::Alert;
using model::Incident;

Result<std::optional<Alert>> WriteBackTx::FindLatestAlert(const std::string& fingerprint) {
  if (auto known = latest_alert_.find(fingerprint); known != latest_alert_.end()) {
    if (known->second == 0) return std::nullopt;
    // Not cached when this transaction inserted it: the backend has it as inserted.
    if (auto row = alerts_.find(known->second); row != alerts_.end()) return row->second;
  }
  QUELL_ASSIGN_OR_RETURN(auto found, inner_->FindLatestAlert(fingerprint));
  if (!found) {
    latest_alert_.emplace(fingerprint, 0);
    return std::nullopt;
  }
  latest_alert_.emplace(fingerprint, found->id);
  // A row this transaction changed is newer than what the backend holds.
  auto [row, inserted] = alerts_.emplace(found->id, *found);
  if (!inserted) return row->second;
  return found;
}

Result<int64_t> WriteBackTx::InsertAlert(const Alert& alert) {
  QUELL_ASSIGN_OR_RETURN(int64_t id, inner_->InsertAlert(alert));
  // Not copied into the cache: in a storm of new alerts almost none is read again in the same
  // transaction, and FindLatestAlert reads it back from the backend if it is.
  latest_alert_[alert.data.fingerprint] = id;
  return id;
}

Status WriteBackTx::UpdateAlert(const Alert& alert) {
  alerts_[alert.id] = alert;
  dirty_alerts_.insert(alert.id);
  return Status::Ok();
}

Result<int64_t> WriteBackTx::CountFiringAlerts(int64_t incident_id) {
  QUELL_RETURN_IF_ERROR(Flush());
  return inner_->CountFiringAlerts(incident_id);
}

Result<Incident*> WriteBackTx::CachedIncident(int64_t id) {
  if (auto cached = incidents_.find(id); cached != incidents_.end()) return &cached->second;
  QUELL_ASSIGN_OR_RETURN(auto found, inner_->FindIncident(id));
  if (!found) return nullptr;
  return &incidents_.emplace(id, std::move(*found)).first->second;
}

Result<std::optional<Incident>> WriteBackTx::FindIncident(int64_t id) {
  QUELL_ASSIGN_OR_RETURN(Incident* cached, CachedIncident(id));
  if (!cached) return std::nullopt;
  return *cached;
}

Result<std::optional<Incident>> WriteBackTx::FindLatestIncidentByGroup(
    const std::string& group_key) {
  if (auto known = latest_incident_.find(group_key); known != latest_incident_.end()) {
    if (known->second == 0) return std::nullopt;
    return incidents_.at(known->second);
  }
  QUELL_ASSIGN_OR_RETURN(auto found, inner_->FindLatestIncidentByGroup(group_key));
  if (!found) {
    latest_incident_.emplace(group_key, 0);
    return std::nullopt;
  }
  latest_incident_.emplace(group_key, found->id);
  auto [row, inserted] = incidents_.emplace(found->id, *found);
  if (!inserted) return row->second;
  return found;
}

Result<std::optional<Incident>> WriteBackTx::FindLatestIncidentWithService(
    const std::string& service) {
  QUELL_RETURN_IF_ERROR(Flush());  // the services of changed incidents decide the answer
  QUELL_ASSIGN_OR_RETURN(auto found, inner_->FindLatestIncidentWithService(service));
  if (found) incidents_.try_emplace(found->id, *found);
  return found;
}

Result<int64_t> WriteBackTx::InsertIncident(const Incident& incident) {
  QUELL_ASSIGN_OR_RETURN(int64_t id, inner_->InsertIncident(incident));
  Incident& row = incidents_[id] = incident;
  row.id = id;
  row.analysis_json.clear();  // not written by InsertIncident
  latest_incident_[incident.group_key] = id;
  return id;
}

Status WriteBackTx::UpdateIncident(const Incident& incident) {
  QUELL_ASSIGN_OR_RETURN(Incident* row, CachedIncident(incident.id));
  if (!row) return NotFound("no incident " + std::to_string(incident.id));
  *row = incident;
  row->analysis_json.clear();  // transaction reads carry no analysis (store.h)
  dirty_incidents_.insert(incident.id);
  return Status::Ok();
}

Status WriteBackTx::SetAnalysis(int64_t incident_id, const std::string& analysis_json,
                                TimeMs updated_at) {
  QUELL_RETURN_IF_ERROR(inner_->SetAnalysis(incident_id, analysis_json, updated_at));
  if (auto cached = incidents_.find(incident_id); cached != incidents_.end())
    cached->second.updated_at = updated_at;
  return Status::Ok();
}

Result<std::vector<Incident>> WriteBackTx::FindOpenIncidentsWithService(
    const std::string& service) {
  QUELL_RETURN_IF_ERROR(Flush());
  QUELL_ASSIGN_OR_RETURN(auto found, inner_->FindOpenIncidentsWithService(service));
  for (const auto& incident : found) incidents_.try_emplace(incident.id, incident);
  return found;
}

Result<int64_t> WriteBackTx::InsertDeploy(const model::Deploy& deploy) {
  return inner_->InsertDeploy(deploy);
}

Result<int64_t> WriteBackTx::AppendEvent(const model::Event& event) {
  if (!bumps_.empty()) {
    // The appended entry becomes the newest of its key: earlier bumps belong to the one
    // before it, so they are written now and later bumps find the new entry.
    EventKey key{event.incident_id, event.kind, event.fingerprint};
    if (bumps_.count(key)) {
      QUELL_RETURN_IF_ERROR(FlushBump(key));
      bumps_.erase(key);
    }
  }
  if (auto recent = recent_bumps_.find({event.incident_id, event.kind});
      recent != recent_bumps_.end()) {
    QUELL_RETURN_IF_ERROR(FlushRecentBump(recent->first));
    recent_bumps_.erase(recent);
  }
  return inner_->AppendEvent(event);
}

Result<bool> WriteBackTx::BumpEvent(int64_t incident_id, model::EventKind kind,
                                    const std::string& fingerprint, TimeMs at, int64_t times) {
  EventKey key{incident_id, kind, fingerprint};
  if (auto known = bumps_.find(key); known != bumps_.end()) {
    known->second.times += times;
    known->second.last_at = std::max(known->second.last_at, at);
    return true;
  }
  QUELL_ASSIGN_OR_RETURN(bool bumped,
                         inner_->BumpEvent(incident_id, kind, fingerprint, at, times));
  if (bumped) bumps_.emplace(std::move(key), PendingBump{});
  return bumped;
}

Result<bool> WriteBackTx::BumpRecentEvent(int64_t incident_id, model::EventKind kind,
                                          TimeMs since, TimeMs at, int64_t times) {
  if (auto known = recent_bumps_.find({incident_id, kind}); known != recent_bumps_.end()) {
    known->second.times += times;
    known->second.last_at = std::max(known->second.last_at, at);
    return true;
  }
  QUELL_ASSIGN_OR_RETURN(bool bumped, inner_->BumpRecentEvent(incident_id, kind, since, at, times));
  if (bumped) recent_bumps_.emplace(std::pair{incident_id, kind}, PendingBump{});
  return bumped;
}

Status WriteBackTx::EnqueueJob(const model::Job& job) { return inner_->EnqueueJob(job); }

Status WriteBackTx::Commit() {
  QUELL_RETURN_IF_ERROR(Flush());
  return inner_->Commit();
}

Status WriteBackTx::FlushBump(const EventKey& key) {
  PendingBump& pending = bumps_.at(key);
  if (pending.times == 0) return Status::Ok();
  const auto& [incident_id, kind, fingerprint] = key;
  QUELL_ASSIGN_OR_RETURN(bool bumped, inner_->BumpEvent(incident_id, kind, fingerprint,
                                                        pending.last_at, pending.times));
  if (!bumped) return Internal("timeline entry vanished during the transaction");
  pending = PendingBump{};
  return Status::Ok();
}

Status WriteBackTx::FlushRecentBump(const std::pair<int64_t, model::EventKind>& key) {
  PendingBump& pending = recent_bumps_.at(key);
  if (pending.times == 0) return Status::Ok();
  // since 0: the entry found at the first bump is still the newest of its pair.
  QUELL_ASSIGN_OR_RETURN(bool bumped, inner_->BumpRecentEvent(key.first, key.second, 0,
                                                              pending.last_at, pending.times));
  if (!bumped) return Internal("timeline entry vanished during the transaction");
  pending = PendingBump{};
  return Status::Ok();
}

Status WriteBackTx::Flush() {
  for (int64_t id : dirty_alerts_) QUELL_RETURN_IF_ERROR(inner_->UpdateAlert(alerts_.at(id)));
  dirty_alerts_.clear();
  for (int64_t id : dirty_incidents_)
    QUELL_RETURN_IF_ERROR(inner_->UpdateIncident(incidents_.at(id)));
  dirty_incidents_.clear();
  for (const auto& entry : bumps_) QUELL_RETURN_IF_ERROR(FlushBump(entry.first));
  for (const auto& entry : recent_bumps_) QUELL_RETURN_IF_ERROR(FlushRecentBump(entry.first));
  return Status::Ok();
}

}  // namespace quell::store
