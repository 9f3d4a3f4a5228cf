// Whether silences by matchers (engine/silences.h) silence an incident, and what its timeline
// last recorded about that. Pure: Engine::SilencedBy and Engine::ReconcileSilence
// (engine/silencing.cc) read the alerts and events and act on the answers.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/silences.h"
#include "model/alert.h"
#include "model/incident.h"
#include "model/silence.h"

namespace quell::engine {

// The ids (sorted, unique) of the silences active at `now` that match the incident's firing
// alerts, when every firing alert is matched by at least one of them; empty when one is not, or
// when none fires (resolved alerts never count, as in Alertmanager, where only firing alerts are
// silenced).
std::vector<std::string> IncidentSilencedBy(const std::vector<model::Alert>& alerts,
                                            const Silences& silences, TimeMs now);

// The silence ids the timeline last recorded: those of the newest silence_matched event unless a
// silence_ended event came after it (empty: not silenced).
std::vector<std::string> RecordedSilencedBy(const std::vector<model::Event>& events);

// The matchers of a silence "like this alert" (Telegram's "Silence like this…"): service,
// environment and name equal to the alert's. Alerts of the same kind from the same place match;
// its other labels and message do not narrow it.
std::vector<model::Matcher> MatchersLike(const model::NormalizedAlert& alert);

// A silence_matched event's note: the ids, ", "-separated (RecordedSilencedBy reads it back).
std::string SilenceIdsNote(const std::vector<std::string>& ids);

}  // namespace quell::engine
