// Matchers with their regexes compiled, and whether they match an alert. Alertmanager semantics:
// every matcher must match; a field or label the alert lacks is the empty string (so `!=` and
// `!~` match it); regexes are RE2, anchored at both ends (`check.*` matches "checkout", not
// "xcheck"). Silences and escalation routes both match with CompiledMatchers. Immutable after
// Compile, so safe to share between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/alert.h"
#include "model/silence.h"
#include "oncall/time_zone.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace quell::engine {

class CompiledMatchers {
 public:
  // InvalidArgument naming "<path>[i].value" when a regex does not compile.
  static Result<CompiledMatchers> Compile(std::vector<model::Matcher> matchers,
                                          const std::string& path = "matchers");
  bool Matches(const model::NormalizedAlert& alert) const;

 private:
  CompiledMatchers() = default;
  std::vector<model::Matcher> matchers_;
  // One per matcher; null for = and !=.
  std::vector<std::shared_ptr<const re2::RE2>> regexes_;
};

// A silence with its matchers compiled.
class SilenceMatcher {
 public:
  // InvalidArgument naming "matchers[i].value" when a regex does not compile,
  // "schedule.time_zone" for a time zone the system does not know.
  static Result<SilenceMatcher> Compile(model::Silence silence);

  bool Matches(const model::NormalizedAlert& alert) const { return matchers_.Matches(alert); }
  // Its state and window at `now` (engine/silence_window.h), with the zone looked up once.
  model::SilenceActivity ActivityAt(TimeMs now) const;
  const model::Silence& silence() const { return silence_; }

 private:
  SilenceMatcher(model::Silence silence, CompiledMatchers matchers,
                 std::optional<oncall::TimeZone> zone)
      : silence_(std::move(silence)), matchers_(std::move(matchers)), zone_(std::move(zone)) {}
  model::Silence silence_;
  CompiledMatchers matchers_;
  std::optional<oncall::TimeZone> zone_;  // the schedule's, when it has one
};

// The value a matcher named `name` sees: service, environment, name, source, severity (its
// name, e.g. "critical"), else the label `name` ("" when missing).
std::string MatcherFieldValue(const model::NormalizedAlert& alert, std::string_view name);

// Compiles and matches once; an invalid regex is its error.
Result<bool> Matches(const model::Silence& silence, const model::NormalizedAlert& alert);

}  // namespace quell::engine
