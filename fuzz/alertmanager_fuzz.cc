// Alertmanager bodies: the webhook receiver payload (v4) and the API v2 alert list Prometheus
// posts: ingest::ParseAlertmanagerWebhook and ingest::ParseAlertmanagerV2Alerts. The first byte
// picks which one.
#include "ingest/alertmanager.h"
#include "ingest_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body = quell::fuzz::AsText(data + 1, size - 1);
  if (data[0] & 1) {
    quell::fuzz::CheckAdapterResult(quell::ingest::ParseAlertmanagerWebhook(body));
  } else {
    constexpr quell::TimeMs kNow = 1'795'000'000'000;  // 2026-11-18
    quell::fuzz::CheckAdapterResult(quell::ingest::ParseAlertmanagerV2Alerts(body, kNow));
  }
  return 0;
}
