#include "engine/silence_matcher.h"

#include <re2/re2.h>

#include "engine/group_key.h"
#include "engine/silence_window.h"

namespace quell::engine {

Result<CompiledMatchers> CompiledMatchers::Compile(std::vector<model::Matcher> matchers,
                                                   const std::string& path) {
  CompiledMatchers compiled;
  RE2::Options options;
  options.set_log_errors(false);
  for (size_t i = 0; i < matchers.size(); ++i) {
    const model::Matcher& m = matchers[i];
    if (m.op != model::MatchOp::kRegex && m.op != model::MatchOp::kNotRegex) {
      compiled.regexes_.push_back(nullptr);
      continue;
    }
    // Anchored at both ends, as Alertmanager does.
    auto re = std::make_shared<const RE2>("^(?:" + m.value + ")$", options);
    if (!re->ok()) {
      const std::string field = path + "[" + std::to_string(i) + "].value";
      return Error(InvalidArgument(field + " is not a valid regex: " + re->error(), field));
    }
    compiled.regexes_.push_back(std::move(re));
  }
  compiled.matchers_ = std::move(matchers);
  return compiled;
}

bool CompiledMatchers::Matches(const model::NormalizedAlert& alert) const {
  for (size_t i = 0; i < matchers_.size(); ++i) {
    const model::Matcher& m = matchers_[i];
    const std::string value = MatcherFieldValue(alert, m.name);
    bool ok = false;
    switch (m.op) {
      case model::MatchOp::kEqual:
        ok = value == m.value;
        break;
      case model::MatchOp::kNotEqual:
        ok = value != m.value;
        break;
      case model::MatchOp::kRegex:
        ok = RE2::FullMatch(value, *regexes_[i]);
        break;
      case model::MatchOp::kNotRegex:
        ok = !RE2::FullMatch(value, *regexes_[i]);
        break;
    }
    if (!ok) return false;
  }
  return true;
}

Result<SilenceMatcher> SilenceMatcher::Compile(model::Silence silence) {
  QUELL_ASSIGN_OR_RETURN(CompiledMatchers matchers, CompiledMatchers::Compile(silence.matchers));
  QUELL_ASSIGN_OR_RETURN(auto zone, ScheduleZone(silence));
  return SilenceMatcher(std::move(silence), std::move(matchers), std::move(zone));
}

model::SilenceActivity SilenceMatcher::ActivityAt(TimeMs now) const {
  return engine::ActivityAt(silence_, zone_ ? &*zone_ : nullptr, now);
}

std::string MatcherFieldValue(const model::NormalizedAlert& alert, std::string_view name) {
  if (name == "severity") {
    return alert.severity == model::Severity::kUnknown ? std::string()
                                                       : model::SeverityName(alert.severity);
  }
  return GroupFieldValue(alert, name);
}

Result<bool> Matches(const model::Silence& silence, const model::NormalizedAlert& alert) {
  QUELL_ASSIGN_OR_RETURN(SilenceMatcher matcher, SilenceMatcher::Compile(silence));
  return matcher.Matches(alert);
}

}  // namespace quell::engine
