#include "engine/silences.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/hash.h"
#include "engine/incident_changes.h"
#include "engine/silence_window.h"
#include "model/silence_json.h"

namespace quell::engine {

Silences::Silences(store::Store& store, const Clock& clock, TimeMs refresh_ms)
    : store_(store), clock_(clock), refresh_ms_(refresh_ms) {}

Result<model::Silence> Silences::Create(model::Silence silence) {
  silence.id = RandomHex(12);  // hex: URL-safe
  silence.created_at = clock_.Now();
  // Compiling checks the regexes before anything is stored; the matcher then joins the copy as
  // it is (no reload: once stored, a failed read must not turn the answer into an error).
  QUELL_ASSIGN_OR_RETURN(SilenceMatcher matcher, SilenceMatcher::Compile(silence));
  QUELL_RETURN_IF_ERROR(
      store_.PutSetting(kSilenceSettingPrefix + silence.id, model::SilenceToJsonText(silence)));
  Replace(silence.id, std::move(matcher));
  ScheduleSweep();
  return silence;
}

Result<model::Silence> Silences::Expire(const std::string& id) {
  const std::string key = kSilenceSettingPrefix + id;
  QUELL_ASSIGN_OR_RETURN(auto text, store_.GetSetting(key));
  if (!text) return Error(NotFound("no silence " + id));
  const TimeMs now = clock_.Now();
  QUELL_ASSIGN_OR_RETURN(model::Silence silence, model::SilenceFromJsonText(*text, now));
  QUELL_ASSIGN_OR_RETURN(model::SilenceActivity activity, ActivityAt(silence, now));
  if (activity.state == model::SilenceState::kExpired) return silence;
  silence.ends_at = now;
  silence.starts_at = std::min(silence.starts_at, now);
  QUELL_RETURN_IF_ERROR(store_.PutSetting(key, model::SilenceToJsonText(silence)));
  Replace(id, std::nullopt);
  ScheduleSweep();
  return silence;
}

Result<bool> Silences::Define(model::Silence silence) {
  const std::string key = kSilenceSettingPrefix + silence.id;
  QUELL_ASSIGN_OR_RETURN(auto text, store_.GetSetting(key));
  silence.created_at = clock_.Now();
  if (text) {
    if (auto stored = model::SilenceFromJsonText(*text, silence.created_at)) {
      silence.created_at = stored->created_at;
      if (*stored == silence) return false;
    }
  }
  QUELL_ASSIGN_OR_RETURN(SilenceMatcher matcher, SilenceMatcher::Compile(silence));
  QUELL_RETURN_IF_ERROR(store_.PutSetting(key, model::SilenceToJsonText(silence)));
  Replace(silence.id, std::move(matcher));
  ScheduleSweep();
  return true;
}

Status Silences::Delete(const std::string& id) {
  QUELL_ASSIGN_OR_RETURN(bool deleted, store_.DeleteSetting(kSilenceSettingPrefix + id));
  if (!deleted) return NotFound("no silence " + id);
  Replace(id, std::nullopt);
  ScheduleSweep();
  return Status::Ok();
}

void Silences::Replace(const std::string& id, std::optional<SilenceMatcher> matcher) {
  std::lock_guard lock(mu_);
  std::erase_if(live_, [&id](const SilenceMatcher& m) { return m.silence().id == id; });
  if (matcher) live_.push_back(std::move(*matcher));
}

void Silences::ScheduleSweep() {
  Status enqueued = [this]() -> Status {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_RETURN_IF_ERROR(EnqueueJob(*tx, kSilencesJob, 0, clock_.Now()));
    return tx->Commit();
  }();
  // Notify and escalate jobs still check the silences when they run; only the timeline entries
  // of quiet incidents wait for the next sweep.
  if (!enqueued.ok()) spdlog::error("silences: sweep not enqueued: {}", enqueued.ToString());
}

Result<std::vector<model::Silence>> Silences::List() {
  QUELL_ASSIGN_OR_RETURN(auto settings, store_.ListSettings(kSilenceSettingPrefix));
  const TimeMs now = clock_.Now();
  std::vector<model::Silence> silences;
  for (const auto& [key, value] : settings) {
    auto silence = model::SilenceFromJsonText(value, now);
    // One unreadable row (written by a newer version?) must not hide the others.
    if (!silence) {
      spdlog::warn("skipping stored silence {}: {}", key, silence.error().ToString());
      continue;
    }
    silences.push_back(std::move(*silence));
  }
  std::sort(silences.begin(), silences.end(),
            [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
  return silences;
}

Status Silences::Refresh() {
  const TimeMs now = clock_.Now();
  QUELL_ASSIGN_OR_RETURN(auto silences, List());
  std::vector<SilenceMatcher> live;
  for (auto& silence : silences) {
    auto matcher = SilenceMatcher::Compile(std::move(silence));
    if (matcher && matcher->ActivityAt(now).state != model::SilenceState::kExpired)
      live.push_back(std::move(*matcher));
  }
  std::lock_guard lock(mu_);
  live_ = std::move(live);
  loaded_at_ = now;
  loaded_ = true;
  return Status::Ok();
}

Status Silences::RefreshIfStale() {
  {
    std::lock_guard lock(mu_);
    if (loaded_ && clock_.Now() - loaded_at_ < refresh_ms_) return Status::Ok();
  }
  return Refresh();
}

std::vector<std::string> Silences::SilencedBy(const model::NormalizedAlert& alert,
                                              TimeMs now) const {
  std::vector<std::string> ids;
  std::lock_guard lock(mu_);
  for (const SilenceMatcher& m : live_) {
    // Matching first: a maintenance window's activity costs time-zone look-ups.
    if (m.Matches(alert) && m.ActivityAt(now).state == model::SilenceState::kActive)
      ids.push_back(m.silence().id);
  }
  return ids;
}

bool Silences::AnyActive(TimeMs now) const {
  std::lock_guard lock(mu_);
  return std::any_of(live_.begin(), live_.end(), [now](const SilenceMatcher& m) {
    return m.ActivityAt(now).state == model::SilenceState::kActive;
  });
}

TimeMs Silences::NextChange(TimeMs now) const {
  TimeMs next = 0;
  auto consider = [&next, now](TimeMs at) {
    if (at > now && (next == 0 || at < next)) next = at;
  };
  std::lock_guard lock(mu_);
  for (const SilenceMatcher& m : live_) {
    const model::SilenceActivity activity = m.ActivityAt(now);
    consider(activity.window_starts_at);
    consider(activity.window_ends_at);
  }
  return next;
}

}  // namespace quell::engine
