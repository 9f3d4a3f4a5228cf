// The rows the SQLite store keeps from one write transaction to the next (HotRows), so that
// ingest does not read the same incidents and alerts back with every transaction. Internal to
// the SQLite store; PostgreSQL keeps nothing between transactions (another node may write).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>

#include "model/alert.h"
#include "model/incident.h"

namespace quell::store {

// Rows by key, all forgotten at once when there are too many: a storm of new rows must not
// grow memory without bound (the next transactions read them back).
template <typename Key, typename Row>
class KeptRows {
 public:
  explicit KeptRows(size_t max_rows) : max_rows_(max_rows) {}
  Row* Find(const Key& key) {
    auto found = rows_.find(key);
    return found == rows_.end() ? nullptr : &found->second;
  }
  Row& Keep(const Key& key, Row row) {
    if (rows_.size() >= max_rows_) rows_.clear();
    return rows_.insert_or_assign(key, std::move(row)).first->second;
  }
  void Erase(const Key& key) { rows_.erase(key); }
  void Clear() { rows_.clear(); }

 private:
  size_t max_rows_;
  std::unordered_map<Key, Row> rows_;
};

// Rows the write transactions read and wrote, kept from one transaction to the next: ingest
// reads the same incidents (by group key) and, for repeats, the same alerts (by fingerprint)
// with every transaction. Trusted only while the batch's SQLite transaction is open (nobody
// else can write then); forgotten when another connection committed before it opened (PRAGMA
// data_version) and on any rollback. Rows are kept as a transaction reads them: incidents
// without their analysis (store.h).
struct HotRows {
  KeptRows<int64_t, model::Incident> incidents{10000};
  KeptRows<std::string, int64_t> latest_incident{10000};   // group key -> id, 0: none
  KeptRows<std::string, model::Alert> latest_alert{5000};  // fingerprint -> newest row
  int64_t data_version = -1;
  // Alerts with a larger payload (a Sentry event with its stack trace, say) are read afresh:
  // 5,000 of them must not cost gigabytes.
  static constexpr size_t kMaxKeptAlertBytes = 4096;

  void Clear() {
    incidents.Clear();
    latest_incident.Clear();
    latest_alert.Clear();
  }
  void KeepIncident(const model::Incident& incident) {
    incidents.Keep(incident.id, incident).analysis_json.clear();
  }
  static bool Keepable(const model::Alert& alert) {
    return alert.data.raw_json.size() + alert.data.message.size() <= kMaxKeptAlertBytes;
  }
  // Keeps `alert` as its fingerprint's newest row, or forgets the fingerprint's kept row when
  // `alert` is too large to keep (then it is not copied at all).
  void KeepAlert(const model::Alert& alert) {
    if (!Keepable(alert)) return latest_alert.Erase(alert.data.fingerprint);
    latest_alert.Keep(alert.data.fingerprint, alert);
  }
};

}  // namespace quell::store
