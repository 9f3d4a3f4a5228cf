// Time values of every ingest format and query: ParseRfc3339 (which must round-trip with
// FormatRfc3339), EpochNumberToMs (any double, in range or an error, never undefined behaviour)
// and ParseDuration (config values and query parameters).
#include <cstring>

#include "common/time_format.h"
#include "fuzz_support.h"

namespace {

using quell::TimeMs;

void CheckInRange(TimeMs t, const std::string& from) {
  FUZZ_CHECK(t >= quell::kMinTimeMs && t <= quell::kMaxTimeMs, from);
  const std::string text = quell::FormatRfc3339(t);
  auto back = quell::ParseRfc3339(text);
  FUZZ_CHECK(back.has_value(), text);
  FUZZ_CHECK(*back == t, text + " from " + from);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = quell::fuzz::AsText(data, size);
  if (auto t = quell::ParseRfc3339(text)) CheckInRange(*t, std::string(text));
  if (auto d = quell::ParseDuration(text))
    FUZZ_CHECK(*d >= 0 && *d <= quell::kMaxDurationMs, std::string(text));
  // The same bytes as numbers: an epoch from a JSON number, an instant to format.
  for (size_t at = 0; at + 8 <= size; at += 8) {
    double number;
    int64_t integer;
    std::memcpy(&number, data + at, 8);
    std::memcpy(&integer, data + at, 8);
    if (auto t = quell::EpochNumberToMs(number)) CheckInRange(*t, std::to_string(number));
    if (integer >= quell::kMinTimeMs && integer <= quell::kMaxTimeMs)
      CheckInRange(integer, std::to_string(integer));
  }
  return 0;
}
