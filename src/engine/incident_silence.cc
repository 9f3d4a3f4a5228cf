#include "engine/incident_silence.h"

#include <algorithm>

namespace quell::engine {

namespace {
constexpr std::string_view kIdSeparator = ", ";
}  // namespace

std::vector<std::string> IncidentSilencedBy(const std::vector<model::Alert>& alerts,
                                            const Silences& silences, TimeMs now) {
  std::vector<std::string> ids;
  bool any_firing = false;
  for (const model::Alert& alert : alerts) {
    if (alert.data.status != model::AlertStatus::kFiring) continue;
    any_firing = true;
    std::vector<std::string> matched = silences.SilencedBy(alert.data, now);
    if (matched.empty()) return {};  // one firing alert still speaks for the incident
    ids.insert(ids.end(), matched.begin(), matched.end());
  }
  if (!any_firing) return {};
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<std::string> RecordedSilencedBy(const std::vector<model::Event>& events) {
  for (auto e = events.rbegin(); e != events.rend(); ++e) {
    if (e->kind == model::EventKind::kSilenceEnded) return {};
    if (e->kind != model::EventKind::kSilenceMatched) continue;
    std::vector<std::string> ids;
    std::string_view note = e->note;
    while (!note.empty()) {
      const size_t end = std::min(note.find(kIdSeparator), note.size());
      ids.emplace_back(note.substr(0, end));
      note.remove_prefix(std::min(end + kIdSeparator.size(), note.size()));
    }
    return ids;
  }
  return {};
}

std::vector<model::Matcher> MatchersLike(const model::NormalizedAlert& alert) {
  using model::MatchOp;
  return {{"service", MatchOp::kEqual, alert.service},
          {"environment", MatchOp::kEqual, alert.environment},
          {"name", MatchOp::kEqual, alert.name}};
}

std::string SilenceIdsNote(const std::vector<std::string>& ids) {
  std::string note;
  for (const auto& id : ids) {
    if (!note.empty()) note += kIdSeparator;
    note += id;
  }
  return note;
}

}  // namespace quell::engine
