// Button presses from Telegram: TelegramUpdates authorizes a press, acts through the Engine (the
// same path as the API, so the change lands on the timeline and the card is edited by the next
// notify job) and answers it with a short toast. Commands in a configured chat get a reply:
// /oncall, who is on call for each schedule. Updates arrive by long polling
// (TelegramPoller: deleteWebhook at start, then getUpdates with the offset after the last update
// handled, kept in the store across restarts) or by webhook (HandleWebhook).
//
// Who may press: only presses on messages in the configured chats count; with allowed_user_ids
// set, only those users may act; with it empty, every member of a configured chat may. In a
// direct message (where an escalation step pages a person), a user of the directory
// (oncall::Directory, by telegram_user_id) may act; the actor is then "telegram:<their name>".
//
// A press on an orphan card (a copy whose send was not confirmed, so the card was sent again:
// its message id is not the one CardLedger holds for the incident and chat) acts like a press
// on the current card, and then the orphan is edited into a stub without buttons that points
// to the current card (SupersededCard). Edited rather than deleted: deleteMessage fails on
// messages older than 48 hours, and a message that vanishes leaves readers wondering where the
// incident went.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "notify/card_ledger.h"
#include "notify/notifier.h"
#include "notify/telegram_api.h"
#include "notify/telegram_card.h"
#include "store/singleton_lease.h"
#include "store/store.h"

namespace quell::notify {

struct TelegramAccess {
  std::set<int64_t> chat_ids;
  std::set<int64_t> allowed_user_ids;  // empty: members of the configured chats
};

// Redraws an incident's card now, with its silences (after "Silence like this…": notify jobs
// are held back while it is silenced, but the one who pressed must see the card change).
using CardRefresher = std::function<void(int64_t incident_id)>;

// A CardRefresher that delivers the incident's card through `notifier` (the Telegram one) at
// once, with the silences that silence it. A delivery that must wait for pacing is tried again
// once, if the wait is short; otherwise the card waits for its next change.
CardRefresher RedrawCard(Notifier& notifier, store::Store& store, engine::Engine& engine,
                         std::string dashboard_url);

class TelegramUpdates {
 public:
  // `cards` (may be null: no orphan is reconciled) must outlive this.
  TelegramUpdates(TelegramApi& api, engine::Engine& engine, TelegramAccess access,
                  CardRefresher refresh_card = {}, CardLedger* cards = nullptr);
  // Acts on a callback query and answers it; replies to a command; ignores other updates.
  void Handle(const TelegramUpdate& update);
  // What a press does, without answering it: the toast text. For tests and Handle.
  std::string Act(const CallbackQuery& query);
  // The reply (HTML) to a message: set for a command of Quell's in a configured chat (any member
  // may ask: the answer tells no more than the chat's cards), nullopt otherwise.
  std::optional<std::string> Reply(const TextMessage& message);

 private:
  // "Silence like this…" (slm, sll, slx; telegram_silence_like.cc): the toast.
  std::string SilenceLikeThis(const CallbackQuery& query, const CallbackData& data,
                              const std::string& actor);
  // Whether the pressed message is an orphan copy of the incident's card (a different card is
  // recorded for the incident and chat).
  bool IsOrphan(const CallbackQuery& query, int64_t incident_id);
  // Edits an orphan into its stub.
  void Supersede(const CallbackQuery& query, int64_t incident_id);

  TelegramApi& api_;
  engine::Engine& engine_;
  const TelegramAccess access_;
  CardRefresher refresh_card_;
  CardLedger* cards_;
};

struct TelegramPollerOptions {
  int timeout_s = 25;             // getUpdates long-poll wait
  TimeMs min_interval_ms = 500;   // between polls that return at once (a server without long polls)
  TimeMs max_backoff_ms = 30000;  // after errors
  TimeMs lease_retry_ms = 1000;   // between tries to take the lease while another node polls
};

// Polls only while `lease` is held (checked before each poll; null: always), so that of several
// nodes on one PostgreSQL one polls; the node that takes the lease over reads the stored offset.
class TelegramPoller {
 public:
  TelegramPoller(TelegramApi& api, TelegramUpdates& updates, store::Store& store,
                 TelegramPollerOptions options = {}, store::SingletonLease* lease = nullptr);
  ~TelegramPoller();  // Stop()
  void Start();
  // Ends the long poll in progress and joins the thread. Idempotent.
  void Stop();

 private:
  void Run();
  // Whether to poll now: the lease is held. On taking it, deletes any webhook and reads the
  // offset the previous holder stored.
  bool Leading();
  // Sleeps up to `ms`, waking early on Stop. Returns false when stopping.
  bool SleepFor(TimeMs ms);

  TelegramApi& api_;
  TelegramUpdates& updates_;
  store::Store& store_;
  const TelegramPollerOptions options_;
  store::SingletonLease* lease_;
  bool leading_ = false;  // the thread's own
  int64_t offset_ = 0;    // the thread's own
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// POST /telegram/webhook: checks X-Telegram-Bot-Api-Secret-Token (constant time) and reads the
// updates, without acting on them (the server answers the webhook at once and hands the updates
// to a worker: acting answers Telegram over the network). Unauthenticated (field
// "x-telegram-bot-api-secret-token") for a wrong secret, InvalidArgument for a body that is not
// an update.
Result<std::vector<TelegramUpdate>> ReadWebhook(const std::string& expected_secret,
                                                const std::string& secret_header,
                                                const std::string& body);
// ReadWebhook, then handles the updates on the calling thread.
Status HandleWebhook(TelegramUpdates& updates, const std::string& expected_secret,
                     const std::string& secret_header, const std::string& body);

}  // namespace quell::notify
