// WriteBackTx: a StoreTx decorator for the engine's group-commit transactions, which fold
// thousands of alerts into a few dozen incidents. It keeps the incidents and alerts a
// transaction reads and changes in memory and writes each changed row once, at Commit, instead
// of once per alert; repeated bumps of one timeline entry become one bump with a count.
//
// Reads through the decorator see the transaction's own changes, exactly as the wrapped
// transaction would. Queries the cache cannot answer (by service, counts over alerts) first
// write the pending changes through, then ask the wrapped transaction. Works over any backend.
// Not thread-safe, like every StoreTx. Destroying it uncommitted rolls everything back.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace quell::store {

class WriteBackTx final : public StoreTx {
 public:
  explicit WriteBackTx(std::unique_ptr<StoreTx> inner) : inner_(std::move(inner)) {}

  Status LockKeys(const std::vector<std::string>& keys) override { return inner_->LockKeys(keys); }

  Result<std::optional<model::Alert>> FindLatestAlert(const std::string& fingerprint) override;
  Result<int64_t> InsertAlert(const model::Alert& alert) override;
  Status UpdateAlert(const model::Alert& alert) override;
  Result<int64_t> CountFiringAlerts(int64_t incident_id) override;

  Result<std::optional<model::Incident>> FindIncident(int64_t id) override;
  Result<std::optional<model::Incident>> FindLatestIncidentByGroup(
      const std::string& group_key) override;
  Result<std::optional<model::Incident>> FindLatestIncidentWithService(
      const std::string& service) override;
  Result<int64_t> InsertIncident(const model::Incident& incident) override;
  Status UpdateIncident(const model::Incident& incident) override;
  Status SetAnalysis(int64_t incident_id, const std::string& analysis_json,
                     TimeMs updated_at) override;
  Result<std::optional<std::string>> FindAnalysis(int64_t incident_id) override {
    return inner_->FindAnalysis(incident_id);  // SetAnalysis writes through at once
  }
  Result<std::vector<model::Incident>> FindOpenIncidentsWithService(
      const std::string& service) override;

  Result<int64_t> InsertDeploy(const model::Deploy& deploy) override;
  Result<int64_t> AppendEvent(const model::Event& event) override;
  Result<bool> BumpEvent(int64_t incident_id, model::EventKind kind,
                         const std::string& fingerprint, TimeMs at, int64_t times) override;
  Result<bool> BumpRecentEvent(int64_t incident_id, model::EventKind kind, TimeMs since,
                               TimeMs at, int64_t times) override;
  Status EnqueueJob(const model::Job& job) override;
  Status Commit() override;

 private:
  // (incident, kind, fingerprint): the identity of a collapsible timeline entry.
  using EventKey = std::tuple<int64_t, model::EventKind, std::string>;
  struct PendingBump {
    int64_t times = 0;
    TimeMs last_at = 0;
  };

  // The transaction's copy of incident `id`, read from the wrapped transaction at first use;
  // null if there is none.
  Result<model::Incident*> CachedIncident(int64_t id);
  // Writes changed incidents, alerts and pending bumps to the wrapped transaction.
  Status Flush();
  Status FlushBump(const EventKey& key);
  Status FlushRecentBump(const std::pair<int64_t, model::EventKind>& key);

  std::unique_ptr<StoreTx> inner_;
  // Rows read or updated in this transaction (and incidents inserted), by id; `dirty_*` are
  // the ones to write back.
  std::unordered_map<int64_t, model::Incident> incidents_;
  std::set<int64_t> dirty_incidents_;
  std::unordered_map<int64_t, model::Alert> alerts_;
  std::set<int64_t> dirty_alerts_;
  // Lookups answered once: fingerprint -> latest alert id, group key -> latest incident id
  // (0: none).
  std::unordered_map<std::string, int64_t> latest_alert_;
  std::unordered_map<std::string, int64_t> latest_incident_;
  // Timeline entries known to exist in this transaction, with the bumps not yet written.
  std::map<EventKey, PendingBump> bumps_;
  // The same for BumpRecentEvent, by (incident, kind): the newest entry of the pair was
  // recent when first bumped, and stays the newest until an AppendEvent of the pair.
  std::map<std::pair<int64_t, model::EventKind>, PendingBump> recent_bumps_;
};

}  // namespace quell::store
