// Log ingestion bodies (POST /api/v1/logs). The first byte picks the parser: NDJSON
// (ingest::ParseLogNdjson, what the streaming route runs per line), the JSON body
// (ingest::ParseLogJson) or raw lines (ingest::LinesToEntries, stack-trace gluing).
#include <string>
#include <vector>

#include "common/time_format.h"
#include "fuzz_support.h"
#include "ingest/log_batch.h"
#include "model/log_entry.h"

namespace {

constexpr quell::TimeMs kNow = 1'795'000'000'000;

void CheckEntries(const std::vector<quell::model::LogEntry>& entries) {
  for (const auto& e : entries) {
    FUZZ_CHECK(!e.service.empty(), e.message);
    FUZZ_CHECK(e.ts >= quell::kMinTimeMs && e.ts <= quell::kMaxTimeMs, std::to_string(e.ts));
    (void)quell::model::LogLevelRank(e.level);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ingest = quell::ingest;
  if (size == 0) return 0;
  const std::string_view body = quell::fuzz::AsText(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto entries = ingest::ParseLogNdjson(body, kNow);
      if (entries) {
        FUZZ_CHECK(!entries->empty(), "an empty NDJSON batch accepted");
        CheckEntries(*entries);
      }
      break;
    }
    case 1: {
      auto entries = ingest::ParseLogJson(body, kNow);
      if (entries) CheckEntries(*entries);
      break;
    }
    default: {
      std::vector<std::string> lines;
      size_t text = 0;
      for (std::string_view line : quell::fuzz::Lines(body)) {
        lines.emplace_back(line);
        text += line.size();
      }
      auto entries = ingest::LinesToEntries("svc", lines, kNow);
      FUZZ_CHECK(entries.size() <= lines.size(), std::to_string(entries.size()));
      size_t kept = 0;
      for (const auto& e : entries) kept += e.message.size() + e.level.size();
      FUZZ_CHECK(kept <= text + lines.size(), std::to_string(kept));  // + the newlines glued in
      CheckEntries(entries);
      for (const auto& line : lines) (void)ingest::IsContinuationLine(line);
    }
  }
  return 0;
}
