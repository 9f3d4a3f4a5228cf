// Sentry webhooks: ingest::ParseSentryWebhook. The first byte picks the Sentry-Hook-Resource
// header: none (the legacy plugin), event_alert, issue, or another resource.
#include "ingest/sentry.h"
#include "ingest_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kResources[] = {"", "event_alert", "issue", "installation"};
  const std::string_view resource = kResources[data[0] % 4];
  const auto result = quell::ingest::ParseSentryWebhook(quell::fuzz::AsText(data + 1, size - 1), resource);
  quell::fuzz::CheckAdapterResult(result);
  if (result && result->item_errors.empty()) FUZZ_CHECK(result->alerts.size() == 1, "one alert");
  return 0;
}
