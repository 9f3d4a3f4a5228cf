// TelegramNotifier: one card per incident and chat, sent once and then edited in place. The
// message id of each card is kept in the store (settings "telegram.card:<incident>:<chat>"
// with a hash of what it shows), so a restart edits the same card and an unchanged card costs
// no call. Sends are paced (Pacer); 429 waits retry_after; 5xx and network errors retry with
// backoff; 400/401/403 park the job with Telegram's description for the operator.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "notify/notifier.h"
#include "notify/pacer.h"
#include "notify/telegram_api.h"

namespace quell::notify {

struct TelegramNotifierOptions {
  std::vector<int64_t> chat_ids;
  std::optional<int64_t> thread_id;  // forum topic
};

class TelegramNotifier final : public Notifier {
 public:
  TelegramNotifier(TelegramApi& api, store::Store& store, Pacer& pacer, const Clock& clock,
                   TelegramNotifierOptions options);
  std::string channel() const override { return "telegram"; }
  jobs::JobOutcome Deliver(const IncidentSnapshot& snapshot) override;

 private:
  // Sends or edits the card in one chat, then pings the chat once per escalation.
  jobs::JobOutcome DeliverTo(int64_t chat_id, const IncidentSnapshot& snapshot, const Card& card);
  jobs::JobOutcome PingEscalation(int64_t chat_id, const model::Incident& incident,
                                  int64_t card_message_id);
  // What a failed reply means for the job (and the timeline, when it is final).
  jobs::JobOutcome Failure(std::string_view method, const TelegramReply& reply, int64_t chat_id,
                           int64_t incident_id);

  TelegramApi& api_;
  store::Store& store_;
  Pacer& pacer_;
  const Clock& clock_;
  const TelegramNotifierOptions options_;
};

}  // namespace quell::notify
