// TelegramNotifier: one card per incident and chat, sent once and then edited in place. The
// message id of each card is kept in the store (CardLedger, with a hash of what it shows), so a
// restart edits the same card and an unchanged card costs no call. A worker claims the send
// first (CardLedger::Claim): a worker that finds another's live claim waits and then edits the
// card that one sent; one that finds a dead or unconfirmed claim records notify_outcome_unknown
// and sends the card again, marked as sent again. Sends are paced (Pacer); 429 waits
// retry_after; 5xx and network errors retry with backoff; 400/401/403 park the job with
// Telegram's description for the operator.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/escalation.h"
#include "notify/card_ledger.h"
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
  TelegramNotifier(TelegramApi& api, store::Store& store, CardLedger& cards, Pacer& pacer,
                   const Clock& clock, TelegramNotifierOptions options);
  std::string channel() const override { return "telegram"; }
  jobs::JobOutcome Deliver(const IncidentSnapshot& snapshot) override;

  // One escalation step's notifications (telegram_pager.cc): a person gets the card by direct
  // message (chat id = their Telegram user id; later steps reply to it, so it rings again); a
  // chat target gets the card, or a reply to its card if it is a configured chat. A person who
  // cannot be reached (never started the bot: 403; no telegram_user_id; nobody on call) is
  // named on the timeline and in a reply to the card in each configured chat. Nothing is sent
  // once the incident is no longer triggered. Idempotent per recipient: a retried job pages
  // nobody twice.
  jobs::JobOutcome Page(const IncidentSnapshot& snapshot, const model::Page& page);

 private:
  // Sends or edits the card in one chat, then pings the chat once per escalation.
  jobs::JobOutcome DeliverTo(int64_t chat_id, const IncidentSnapshot& snapshot, const Card& card);
  // Sends the card (none was sent, the sent one is gone, or a send's outcome is unknown) under
  // a claim taken from `state`; `paced`: the pacer already let this chat's call through.
  jobs::JobOutcome SendCard(int64_t chat_id, const IncidentSnapshot& snapshot, const Card& card,
                            const CardState& state, bool paced);
  // Takes the claim to send the incident's first card to `chat_id` from `state`
  // (CardLedger::Claim) into `claim`. Left empty when this worker must wait (another's live
  // claim, the pacer unless `paced`, a setting changed meanwhile) or on an error: the outcome
  // says so. Taking over a dead or unconfirmed send is recorded (notify_outcome_unknown); the
  // card then goes out marked as sent again (Render).
  jobs::JobOutcome ClaimSend(int64_t chat_id, int64_t incident_id, const CardState& state,
                             bool paced, std::optional<SendClaim>& claim);
  // The incident's card; `sent_again`: it replaces a send whose outcome is unknown.
  static Card Render(const IncidentSnapshot& snapshot, bool sent_again);
  // What became of a claimed send (Telegram's reply, or no reply): the card's message id is
  // stored (kSent), the claim put back (kRefused: nothing posted; the reply says why), or the
  // claim was lost meanwhile and this message made a stub (kSuperseded). No reply, or one
  // without a message id, leaves the claim unconfirmed and is an error; a call that never
  // reached Telegram (net::NotSent) puts the claim back and is an error.
  struct Settled {
    enum What { kSent, kRefused, kSuperseded } what;
    int64_t message_id;
  };
  Result<Settled> Settle(const SendClaim& claim, const Result<TelegramReply>& reply,
                         const std::string& hash);
  // Whether escalation.after's ping is due in this chat (a configured one).
  bool Escalated(const IncidentSnapshot& snapshot, int64_t chat_id) const;
  jobs::JobOutcome PingEscalation(int64_t chat_id, const model::Incident& incident,
                                  int64_t card_message_id);
  // One recipient of a page, from `progress` (the value at progress_key; empty at first).
  jobs::JobOutcome PageOne(const IncidentSnapshot& snapshot, const Card& card,
                           const model::Page& page, const model::PageRecipient& recipient,
                           const std::string& progress_key, const std::string& progress);
  // The card by direct message, or a reply to the one sent before; a permanent refusal is
  // returned as kPermanent in `refused` (with Telegram's words) instead of as a failure.
  jobs::JobOutcome DirectMessage(const IncidentSnapshot& snapshot, const Card& card,
                                 const model::PageRecipient& recipient, std::string& refused);
  // A reply to the incident's card in each configured chat.
  jobs::JobOutcome TellChats(int64_t incident_id, const std::string& html);
  // Sends `html` as a reply to the incident's card in `chat_id` (or alone if it has none).
  jobs::JobOutcome ReplyToCard(int64_t chat_id, int64_t incident_id, const std::string& html,
                               std::string* refused = nullptr);
  bool Configured(int64_t chat_id) const;
  // The forum topic for a configured chat; none elsewhere (a direct message has none).
  std::optional<int64_t> ThreadFor(int64_t chat_id) const;
  // What a failed reply means for the job (and the timeline, when it is final).
  jobs::JobOutcome Failure(std::string_view method, const TelegramReply& reply, int64_t chat_id,
                           int64_t incident_id);

  TelegramApi& api_;
  store::Store& store_;
  CardLedger& cards_;
  Pacer& pacer_;
  const Clock& clock_;
  const TelegramNotifierOptions options_;
};

// Registers the "escalation.page" job handler (the engine enqueues one per escalation step
// taken, engine/escalation.cc): `telegram->Page` of the incident as it is now; with no Telegram
// (null), the step is recorded as having reached nobody.
void RegisterPager(jobs::JobRunner& runner, store::Store& store, const Clock& clock,
                   TelegramNotifier* telegram, std::string dashboard_url);

}  // namespace quell::notify
