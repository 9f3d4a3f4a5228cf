// Telegram updates (getUpdates results and webhook bodies): notify::ParseUpdates, then the
// callback data of every button press in them, as TelegramUpdates::Act reads it.
#include "fuzz_support.h"
#include "notify/telegram_api.h"
#include "notify/telegram_card.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto updates = quell::notify::ParseUpdates(quell::fuzz::AsText(data, size));
  if (!updates) return 0;
  for (const auto& update : *updates) {
    if (!update.callback_query) continue;
    auto parsed = quell::notify::ParseCallbackData(update.callback_query->data);
    if (parsed) FUZZ_CHECK(parsed->incident_id > 0, update.callback_query->data);
  }
  return 0;
}
