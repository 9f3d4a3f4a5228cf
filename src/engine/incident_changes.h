// Small state changes shared by alert folding and human actions: one piece of code per idea.
// Internal to the engine layer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/incident.h"
#include "store/store.h"

namespace quell::engine {

// The actor name Quell uses for what it does by itself (auto-resolve, reopen).
inline constexpr std::string_view kSystemActor = "quell";

void MarkResolved(model::Incident& incident, const std::string& actor, TimeMs now);
void MarkReopened(model::Incident& incident);
// Adds the alert's service to the incident's sorted service list and raises its severity (and
// the senders' severity, alert_severity) to the alert's.
void AbsorbAlert(model::Incident& incident, const model::NormalizedAlert& alert);

// The incident's severity after an analysis that says `analysed`: the higher of the senders'
// (alert_severity) and the analysis's, so with no sender severity it follows the analysis, up or
// down, and the senders' severities are a floor the analysis may raise but never lower. An
// analysis without a severity (kUnknown) leaves it as it is.
model::Severity SeverityAfterAnalysis(const model::Incident& incident, model::Severity analysed);
// The timeline note of such a change: "high -> critical: the analysis says critical (3 services
// affected -> critical)", naming the senders' floor when it decided instead.
std::string SeverityChangeNote(model::Severity from, model::Severity to, model::Severity analysed,
                               model::Severity senders, std::string_view reason);

Status AppendIncidentEvent(store::StoreTx& tx, int64_t incident_id, model::EventKind kind,
                           std::string_view actor, std::string_view fingerprint,
                           std::string_view note, TimeMs now);
// Bumps the newest (incident, kind, fingerprint) event, or appends one if there is none.
Status CollapseIncidentEvent(store::StoreTx& tx, int64_t incident_id, model::EventKind kind,
                             std::string_view fingerprint, std::string_view note, TimeMs now);

// When the incident last became triggered: opened, reopened, unacknowledged or its silence by
// matchers ended (escalation counts from here).
TimeMs TriggeredSince(const model::Incident& incident, const std::vector<model::Event>& events);

// Outbox job kinds.
inline constexpr const char* kNotifyJob = "notify";
inline constexpr const char* kAnalyzeJob = "analyze";
inline constexpr const char* kEscalateJob = "escalate";  // escalation.after's single step
// Escalation policies: the next step of the incident's policy (Engine::RunEscalation), and the
// notifications of one step taken (payload: model::Page; handled by notify).
inline constexpr const char* kEscalationJob = "escalation";
inline constexpr const char* kEscalationPageJob = "escalation.page";
// Not about one incident (incident_id 0): Engine::SweepSilences.
inline constexpr const char* kSilencesJob = "silences";

// Enqueues an outbox job; pending jobs of one kind coalesce per incident ("notify:42").
Status EnqueueJob(store::StoreTx& tx, const char* kind, int64_t incident_id, TimeMs now);

}  // namespace quell::engine
