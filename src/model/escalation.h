// Escalation policies and the routes that pick one, as the paging tools model them: a policy is
// an ordered list of steps, each `after` some time from when the incident became triggered,
// notifying people (directly, or whoever a schedule has on call) or chats; `repeat` runs the
// steps again that many times. Routes pick a policy by matchers on the incident's first alert
// (first match wins; else the default policy). Plain data, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/silence.h"

namespace quell::model {

// Exactly one of the three is set.
struct EscalationTarget {
  std::string schedule;  // whoever the schedule has on call when the step is taken
  std::string user;      // that user, by Telegram direct message
  int64_t chat = 0;      // that Telegram chat
  bool operator==(const EscalationTarget&) const = default;
};

struct EscalationStep {
  TimeMs after_ms = 0;  // from when the incident became triggered; increasing along the steps
  std::vector<EscalationTarget> notify;  // never empty
  bool operator==(const EscalationStep&) const = default;
};

inline constexpr int kMaxEscalationRepeat = 9;  // as PagerDuty's 9 loops

struct EscalationPolicy {
  std::string name;  // unique; as a user's name
  std::vector<EscalationStep> steps;  // never empty
  int repeat = 0;  // 0..kMaxEscalationRepeat: how many more times the steps run
  // After the last step, how long until step 1 runs again (when repeat > 0).
  TimeMs repeat_after_ms = 15 * kMinuteMs;
  bool operator==(const EscalationPolicy&) const = default;

  // Steps in all, over every round: steps.size() * (repeat + 1).
  size_t TotalSteps() const { return steps.size() * static_cast<size_t>(repeat + 1); }
  // When the n-th step over every round (0-based) is due, counting from `anchor`.
  TimeMs StepDueAt(size_t n, TimeMs anchor) const;
};

struct EscalationRoute {
  std::vector<Matcher> matchers;  // never empty; all must match (as a silence's)
  std::string policy;
  bool operator==(const EscalationRoute&) const = default;
};

// The ordered routes (first match wins) and the policy for an incident no route matches.
struct EscalationRoutes {
  std::vector<EscalationRoute> routes;
  std::string default_policy;  // empty: none (Quell's single escalation.after step applies)
  bool operator==(const EscalationRoutes&) const = default;
};

// Who one escalation step pages, resolved when the step is taken; the payload of its
// "escalation.page" job.
struct PageRecipient {
  std::string user;              // empty for a chat target
  std::string via;               // "schedule primary" when a schedule named the user
  int64_t telegram_user_id = 0;  // 0: the user cannot get a direct message
  int64_t chat = 0;              // a chat target
  std::string problem;           // why nobody could be named ("nobody on call"): the chat is told
  bool operator==(const PageRecipient&) const = default;
};

struct Page {
  int64_t step_event_id = 0;  // the escalation_step timeline entry: one page per entry
  size_t step = 0;            // 0-based within the policy
  size_t round = 0;           // 0-based
  std::string policy;
  std::vector<PageRecipient> recipients;
  bool operator==(const Page&) const = default;
};

}  // namespace quell::model

namespace quell::model {

// The policy an incident was given when it opened (a copy: later edits of the policy do not
// change it), and how far it has got.
struct EscalationSnapshot {
  EscalationPolicy policy;
  std::string route;  // what chose it: "routes[2]" or "default"
  TimeMs chosen_at = 0;
  bool operator==(const EscalationSnapshot&) const = default;
};

struct EscalationState {
  EscalationSnapshot snapshot;
  TimeMs since = 0;        // when the incident last became triggered: the steps count from here
  size_t steps_taken = 0;  // since then
  // The next step (over every round) and when it is due; nullopt when none is pending.
  std::optional<size_t> next_step;
  TimeMs next_at = 0;
  // Why no step is pending: "acknowledged", "resolved", "silenced", "completed"; empty if one is.
  std::string stopped;
};

}  // namespace quell::model
