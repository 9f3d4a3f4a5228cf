// Silences: the silences of every node, kept in the Store as settings ("silence/<id>", the
// JSON of model/silence_json.h) so every backend holds them without a schema change, and a copy
// of the ones not yet expired in memory for matching alerts. Create and Expire update the copy
// in place; the silences other nodes write are read again when a node announces one (on
// PostgreSQL, app/change_watch.h calls Refresh) and, as a fallback, when the copy is older than
// `refresh_ms` (RefreshIfStale; callers outside a transaction call it). Creating or expiring one enqueues the
// "silences" job (Engine::SweepSilences), which brings every open incident up to date. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "engine/silence_matcher.h"
#include "model/silence.h"
#include "store/store.h"

namespace quell::engine {

inline constexpr const char* kSilenceSettingPrefix = "silence/";

class Silences {
 public:
  // `store` and `clock` must outlive this.
  Silences(store::Store& store, const Clock& clock, TimeMs refresh_ms = 5 * kSecondMs);

  // Stores a new silence with a fresh random id and created_at = now, and enqueues the
  // "silences" job. InvalidArgument naming the field for a regex that does not compile.
  Result<model::Silence> Create(model::Silence silence);
  // Ends the silence now (ends_at = now; a pending one ends before it starts) and enqueues the
  // "silences" job. NotFound for an unknown id; an expired one is returned unchanged.
  Result<model::Silence> Expire(const std::string& id);
  // Every stored silence, newest first.
  Result<std::vector<model::Silence>> List();

  // Stores `silence` under its own id (a config-defined maintenance window: its name), replacing
  // the one stored there, and enqueues the "silences" job. Keeps the stored created_at and writes
  // nothing when only that differs. Returns whether anything changed. Errors as Create's.
  Result<bool> Define(model::Silence silence);
  // Removes the silence altogether (a config-defined one taken out of the file) and enqueues the
  // "silences" job; NotFound for an unknown id.
  Status Delete(const std::string& id);

  // The ids of the silences active at `now` that match `alert`, from the in-memory copy.
  std::vector<std::string> SilencedBy(const model::NormalizedAlert& alert, TimeMs now) const;
  // Whether any silence of the copy is active at `now` (none: nothing to match, nothing to read).
  bool AnyActive(TimeMs now) const;
  // The first start or end of a silence's window (a maintenance window's next one) after `now`
  // (0: none), when the "silences" job must run again.
  TimeMs NextChange(TimeMs now) const;
  // Reloads the copy if it is older than refresh_ms. Reads the Store: never call it inside a
  // transaction of the engine.
  Status RefreshIfStale();
  Status Refresh();

  // Enqueues the "silences" job now (Create and Expire do; so does each start, for silences
  // stored before their job existed or whose job was lost). A failure is logged, not returned.
  void ScheduleSweep();

 private:
  // Puts `matcher` in the in-memory copy in place of the silence `id` (nullopt: takes it out).
  // No reload: once stored, a failed read must not turn the answer into an error.
  void Replace(const std::string& id, std::optional<SilenceMatcher> matcher);

  store::Store& store_;
  const Clock& clock_;
  const TimeMs refresh_ms_;
  mutable std::mutex mu_;
  std::vector<SilenceMatcher> live_;  // pending or active at loaded_at_
  TimeMs loaded_at_ = 0;
  bool loaded_ = false;
};

}  // namespace quell::engine
