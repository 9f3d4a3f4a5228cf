// The generic alert format (POST /api/v1/alerts): ingest::ParseGenericAlerts.
#include "ingest/generic_alert.h"
#include "ingest_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  quell::fuzz::CheckAdapterResult(quell::ingest::ParseGenericAlerts(quell::fuzz::AsText(data, size)));
  return 0;
}
