// Maintenance windows: the JSON of POST /api/v1/silences with a "schedule" (SilenceFromJson,
// which must round-trip through its stored form) and when it silences (engine::ActivityAt over
// oncall::WeeklyWindowAt) at any instant, in the time zones named. The input is
// {"silence": {...}, "t": RFC 3339}. Invariants: an active window holds t, a pending one starts
// after t, the silence is active at its window's start and its last instant, and the window
// is the same seen from anywhere inside it.
#include <boost/json.hpp>

#include "common/time_format.h"
#include "engine/silence_window.h"
#include "fuzz_support.h"
#include "model/silence_json.h"

namespace json = boost::json;
using quell::TimeMs;
using quell::model::SilenceState;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code ec;
  json::value root = json::parse(quell::fuzz::AsText(data, size), ec);
  if (ec || !root.is_object()) return 0;
  const json::value* silence_json = root.as_object().if_contains("silence");
  if (!silence_json) return 0;
  TimeMs t = 1'800'000'000'000;
  if (const json::value* at = root.as_object().if_contains("t"); at && at->is_string())
    if (auto parsed = quell::ParseRfc3339(at->as_string())) t = *parsed;
  auto silence = quell::model::SilenceFromJson(*silence_json, t);
  if (!silence) return 0;
  const std::string stored = quell::model::SilenceToJsonText(*silence);
  auto again = quell::model::SilenceFromJsonText(stored, t + 1);
  FUZZ_CHECK(again.has_value() && *again == *silence, stored);

  auto activity = quell::engine::ActivityAt(*silence, t);
  if (!activity) return 0;  // an unknown time zone
  const std::string at = quell::FormatRfc3339(t) + " " + stored;
  const TimeMs start = activity->window_starts_at, end = activity->window_ends_at;
  switch (activity->state) {
    case SilenceState::kExpired:
      return 0;
    case SilenceState::kActive:
      FUZZ_CHECK(start <= t && t < end, at);
      break;
    case SilenceState::kPending:
      FUZZ_CHECK(t < start && start < end, at);
      break;
  }
  for (TimeMs inside : {start, end - 1}) {
    auto seen = quell::engine::ActivityAt(*silence, inside);
    FUZZ_CHECK(seen && seen->state == SilenceState::kActive && seen->window_ends_at == end, at);
  }
  return 0;
}
