// CardLedger: what Quell knows of an incident's card in each Telegram chat, kept in the store
// (setting CardKey: "telegram.card:<incident>:<chat>", telegram_card_store.h), and the claim a worker takes before it sends a
// card, so that no two workers, on one node or on several nodes sharing PostgreSQL, both send
// an incident's card to one chat.
//
// The setting holds one of:
//   "<message_id> <hash>[ again]"      the card is message_id and shows what `hash` digests;
//                                      "again": it replaced a send whose outcome was unknown
//   "sending <started_at> <owner>"     a worker has been sending it since started_at (ms)
//   "unconfirmed <started_at> <owner>" a send that got no answer: did Telegram post it?
// Every change is a Store::SwapSetting from the value read, so of two workers that read the same
// value only one changes it. A "sending" claim older than the job lease (claim_ttl_ms) is dead:
// its worker died or hung past its job's lease, and another worker's job may run by then anyway.
// The Bot API cannot tell whether that send was posted (no idempotency key, no listing of a
// bot's messages), so the worker that takes a dead or unconfirmed claim over sends the card
// again, marked as a replacement (`again`); a press on the orphan is reconciled by
// TelegramUpdates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace quell::notify {

struct CardRecord {
  int64_t message_id = 0;
  std::string hash;
  bool again = false;  // sent again after an unconfirmed send: the card says so
};

struct CardState {
  std::optional<std::string> raw;  // the setting as read; nullopt: nothing sent
  std::optional<CardRecord> card;  // a card was sent
  bool sending = false;            // a worker claimed the send...
  bool unconfirmed = false;        // ...or sent it and got no answer
  TimeMs started_at = 0;           // of that claim
};

// The right to send one card, from CardLedger::Claim.
struct SendClaim {
  int64_t incident_id = 0;
  int64_t chat_id = 0;
  std::string value;                  // what the setting holds while this worker sends
  std::optional<std::string> before;  // what it held: put back when the send surely failed
  bool again = false;                 // an earlier send's outcome is unknown: a replacement
  TimeMs started_at = 0;
};

class CardLedger {
 public:
  // `owner` names this node in claims (empty: host name and process id); `claim_ttl_ms` is the
  // job lease (store.job_lease).
  CardLedger(store::Store& store, TimeMs claim_ttl_ms, std::string owner = "");

  Result<CardState> Read(int64_t incident_id, int64_t chat_id);
  // How long the claim in `state` may still be live (0: none, dead, or unconfirmed): while it
  // is, another worker's send may be in flight and nobody else sends.
  TimeMs LiveFor(const CardState& state, TimeMs now) const;
  // Takes the right to send from the `state` read (no card, a dead or unconfirmed claim, or a
  // card Telegram says is gone). nullopt when the setting changed since it was read.
  Result<std::optional<SendClaim>> Claim(int64_t incident_id, int64_t chat_id,
                                         const CardState& state, TimeMs now);
  // The card was sent: records it. False when the claim was lost meanwhile (it outlived the
  // lease and another worker took over): `card` is then an orphan the caller stubs.
  Result<bool> Sent(const SendClaim& claim, const CardRecord& card);
  // Telegram refused the send (it surely posted nothing): puts back what was there.
  Status Unsent(const SendClaim& claim);
  // The send got no answer: whoever comes next knows its outcome is unknown.
  Status Unconfirmed(const SendClaim& claim);
  // An edit changed what the card shows. False when the setting changed since `state`.
  Result<bool> Update(int64_t incident_id, int64_t chat_id, const CardState& state,
                      const CardRecord& card);

  const std::string& owner() const { return owner_; }

 private:
  store::Store& store_;
  const TimeMs claim_ttl_ms_;
  const std::string owner_;
};

// The setting's text, parsed (unreadable text reads as nothing sent).
CardState ParseCardState(std::optional<std::string> raw);

}  // namespace quell::notify
