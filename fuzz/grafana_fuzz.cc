// The Grafana unified alerting webhook: ingest::ParseGrafanaWebhook.
#include "ingest/grafana.h"
#include "ingest_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  quell::fuzz::CheckAdapterResult(quell::ingest::ParseGrafanaWebhook(quell::fuzz::AsText(data, size)));
  return 0;
}
