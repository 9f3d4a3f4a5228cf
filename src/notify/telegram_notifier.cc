#include "notify/telegram_notifier.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "notify/telegram_card_store.h"

namespace quell::notify {
namespace {

// How soon a worker that found another's live claim looks again: a send takes a round trip.
constexpr TimeMs kClaimRecheckMs = kSecondMs;

}  // namespace

Card TelegramNotifier::Render(const IncidentSnapshot& s, bool sent_again) {
  return RenderCard({s.incident, s.analysis, s.incident_url, s.now, s.silenced_by, sent_again});
}

bool TelegramNotifier::Configured(int64_t chat_id) const {
  return std::find(options_.chat_ids.begin(), options_.chat_ids.end(), chat_id) !=
         options_.chat_ids.end();
}

std::optional<int64_t> TelegramNotifier::ThreadFor(int64_t chat_id) const {
  return Configured(chat_id) ? options_.thread_id : std::nullopt;
}

TelegramNotifier::TelegramNotifier(TelegramApi& api, store::Store& store, CardLedger& cards,
                                   Pacer& pacer, const Clock& clock,
                                   TelegramNotifierOptions options)
    : api_(api),
      store_(store),
      cards_(cards),
      pacer_(pacer),
      clock_(clock),
      options_(std::move(options)) {}

jobs::JobOutcome TelegramNotifier::Deliver(const IncidentSnapshot& snapshot) {
  Card card = Render(snapshot, /*sent_again=*/false);
  // Chats already up to date are skipped on a retry, so one chat's trouble never repeats
  // another's card. A retryable failure wins over a permanent one: the job must come back.
  std::optional<jobs::JobOutcome> retry;
  std::optional<jobs::JobOutcome> permanent;
  // The configured chats, then any other chat an escalation step sent the card to (a direct
  // message): every card of the incident follows its state.
  std::vector<int64_t> chats = options_.chat_ids;
  auto others = ChatsWithCard(store_, snapshot.incident.id);
  if (!others) return others.error();
  for (int64_t chat : *others)
    if (std::find(chats.begin(), chats.end(), chat) == chats.end()) chats.push_back(chat);
  for (int64_t chat : chats) {
    jobs::JobOutcome outcome = DeliverTo(chat, snapshot, card);
    if (outcome.status.ok()) continue;
    if (outcome.status.code() == StatusCode::kInvalidArgument) {
      // A direct message the user closed (on the timeline already) fails no delivery.
      if (!permanent && Configured(chat)) permanent = std::move(outcome);
    } else if (!retry || (outcome.retry_in_ms && retry->retry_in_ms &&
                          *outcome.retry_in_ms < *retry->retry_in_ms)) {
      retry = std::move(outcome);
    }
  }
  if (retry) return *retry;
  if (permanent) return *permanent;
  return Status::Ok();
}

jobs::JobOutcome TelegramNotifier::DeliverTo(int64_t chat_id, const IncidentSnapshot& snapshot,
                                             const Card& plain) {
  const int64_t incident_id = snapshot.incident.id;
  QUELL_ASSIGN_OR_RETURN(CardState state, cards_.Read(incident_id, chat_id));
  if (!state.card) return SendCard(chat_id, snapshot, plain, state, /*paced=*/false);

  const CardRecord& stored = *state.card;
  const Card card = stored.again ? Render(snapshot, true) : plain;
  const std::string hash = CardHash(card);
  if (stored.hash == hash)  // the chat already shows this
    return Escalated(snapshot, chat_id) ? PingEscalation(chat_id, snapshot.incident, stored.message_id)
                                        : jobs::JobOutcome(Status::Ok());
  if (TimeMs wait = pacer_.Reserve(chat_id, clock_.Now()); wait > 0)
    return jobs::JobOutcome::RetryIn(wait, "paced: chat " + std::to_string(chat_id));
  auto reply = api_.EditMessageText(chat_id, stored.message_id, card);
  if (!reply) return reply.error();
  TelegramFailure f = Classify(*reply);
  if (f == TelegramFailure::kGone) {
    spdlog::info("telegram: card of incident {} in chat {} is gone; sending a new one",
                 incident_id, chat_id);
    return SendCard(chat_id, snapshot, plain, state, /*paced=*/true);
  }
  if (f != TelegramFailure::kNone && f != TelegramFailure::kNotModified)
    return Failure("editMessageText", *reply, chat_id, incident_id);
  QUELL_ASSIGN_OR_RETURN(bool updated,
                         cards_.Update(incident_id, chat_id, state,
                                       {stored.message_id, hash, stored.again}));
  if (!updated)  // another worker changed the card meanwhile: look again
    return jobs::JobOutcome::RetryIn(kClaimRecheckMs, "the card changed meanwhile");
  return Escalated(snapshot, chat_id) ? PingEscalation(chat_id, snapshot.incident, stored.message_id)
                                      : jobs::JobOutcome(Status::Ok());
}

jobs::JobOutcome TelegramNotifier::SendCard(int64_t chat_id, const IncidentSnapshot& snapshot,
                                            const Card& plain, const CardState& state,
                                            bool paced) {
  const int64_t incident_id = snapshot.incident.id;
  std::optional<SendClaim> claim;
  if (jobs::JobOutcome wait = ClaimSend(chat_id, incident_id, state, paced, claim); !claim)
    return wait;
  const Card card = claim->again ? Render(snapshot, true) : plain;
  auto reply = api_.SendMessage(chat_id, card, ThreadFor(chat_id));
  QUELL_ASSIGN_OR_RETURN(Settled sent, Settle(*claim, reply, CardHash(card)));
  if (sent.what == Settled::kRefused) return Failure("sendMessage", *reply, chat_id, incident_id);
  if (sent.what == Settled::kSuperseded) return Status::Ok();  // the other worker's card is it
  QUELL_RETURN_IF_ERROR(RecordTelegramEvent(store_, incident_id, model::EventKind::kNotified,
                                            clock_.Now(),
                                            "card sent to Telegram chat " + std::to_string(chat_id)));
  return Escalated(snapshot, chat_id)
             ? PingEscalation(chat_id, snapshot.incident, sent.message_id)
             : jobs::JobOutcome(Status::Ok());
}

jobs::JobOutcome TelegramNotifier::ClaimSend(int64_t chat_id, int64_t incident_id,
                                             const CardState& state, bool paced,
                                             std::optional<SendClaim>& claim) {
  const std::string chat = std::to_string(chat_id);
  // Another worker (here or on another node) is sending this card: it stores the message id,
  // and this job, back in a moment, edits that card.
  if (TimeMs live = cards_.LiveFor(state, clock_.Now()); live > 0)
    return jobs::JobOutcome::RetryIn(std::min(live, kClaimRecheckMs),
                                     "another worker is sending this card to chat " + chat);
  if (TimeMs wait = paced ? 0 : pacer_.Reserve(chat_id, clock_.Now()); wait > 0)
    return jobs::JobOutcome::RetryIn(wait, "paced: chat " + chat);
  QUELL_ASSIGN_OR_RETURN(claim, cards_.Claim(incident_id, chat_id, state, clock_.Now()));
  if (!claim) return jobs::JobOutcome::RetryIn(kClaimRecheckMs, "the card changed meanwhile");
  if (claim->again && (state.sending || state.unconfirmed)) {
    spdlog::warn("telegram: an earlier send of incident {}'s card to chat {} was not confirmed "
                 "(started {} ms ago); sending it again, marked so",
                 incident_id, chat_id, clock_.Now() - state.started_at);
    Status recorded = RecordTelegramEvent(
        store_, incident_id, model::EventKind::kNotifyOutcomeUnknown, clock_.Now(),
        "an earlier send of the card to Telegram chat " + chat +
            " was not confirmed (no answer, or its node stopped); sent again, marked so",
        /*collapse=*/true);
    if (!recorded.ok()) {  // nothing sent: the claim goes back rather than wait out the lease
      (void)cards_.Unsent(*claim);
      claim.reset();
      return recorded;
    }
  }
  return Status::Ok();
}

Result<TelegramNotifier::Settled> TelegramNotifier::Settle(const SendClaim& claim,
                                                           const Result<TelegramReply>& reply,
                                                           const std::string& hash) {
  const int64_t chat_id = claim.chat_id, incident_id = claim.incident_id;
  if (!reply) {
    // Telegram never got the call (connection refused, no such host): nothing was posted.
    // Otherwise there was no answer, and Telegram may have posted it.
    Status settled = net::NotSent(reply.error()) ? cards_.Unsent(claim) : cards_.Unconfirmed(claim);
    if (!settled.ok())
      spdlog::warn("telegram: card {} in chat {}: {}", incident_id, chat_id, settled.ToString());
    return Error(reply.error());
  }
  if (Classify(*reply) != TelegramFailure::kNone) {  // refused: nothing was posted
    if (Status put_back = cards_.Unsent(claim); !put_back.ok())
      spdlog::warn("telegram: card {} in chat {}: {}", incident_id, chat_id, put_back.ToString());
    return Settled{Settled::kRefused, 0};
  }
  auto message_id = SentMessageId(*reply);
  if (!message_id) {
    (void)cards_.Unconfirmed(claim);  // posted, but which message is it?
    return Error(message_id.error());
  }
  // Remembered at once: from here on this incident's card in this chat is only edited.
  QUELL_ASSIGN_OR_RETURN(bool kept, cards_.Sent(claim, {*message_id, hash, claim.again}));
  if (kept) return Settled{Settled::kSent, *message_id};
  // This send outlived its claim and another worker sent the card again: this copy is the
  // orphan. Say so on it; the other worker's card is the incident's.
  spdlog::warn("telegram: card {} in chat {} was sent after another worker took over; "
               "marking message {} superseded",
               incident_id, chat_id, *message_id);
  auto stub = api_.EditMessageText(chat_id, *message_id, SupersededCard(incident_id));
  if (!stub || !stub->ok)
    spdlog::warn("telegram: message {} in chat {} not marked superseded", *message_id, chat_id);
  return Settled{Settled::kSuperseded, *message_id};
}

bool TelegramNotifier::Escalated(const IncidentSnapshot& snapshot, int64_t chat_id) const {
  // escalation.after's ping goes to the configured chats only.
  return snapshot.incident.escalated_at > 0 &&
         snapshot.incident.status == model::IncidentStatus::kTriggered && Configured(chat_id);
}

jobs::JobOutcome TelegramNotifier::Failure(std::string_view method, const TelegramReply& reply,
                                           int64_t chat_id, int64_t incident_id) {
  switch (Classify(reply)) {
    case TelegramFailure::kRetryAfter: {
      TimeMs wait = std::max(1, reply.retry_after_s) * kSecondMs;
      pacer_.Block(chat_id, clock_.Now() + wait);
      return jobs::JobOutcome::RetryIn(wait, DescribeReply(method, reply));
    }
    case TelegramFailure::kTransient:
      return Unavailable(DescribeReply(method, reply));
    default: {
      std::string why = DescribeReply(method, reply) + " (chat " + std::to_string(chat_id) + ")";
      spdlog::error("telegram: card for incident {} not delivered: {}", incident_id, why);
      (void)RecordTelegramEvent(store_, incident_id, model::EventKind::kNotifyFailed, clock_.Now(), why);
      return InvalidArgument(why);
    }
  }
}

// An edit rings no bell: an escalation also sends one short reply to the card, with sound.
jobs::JobOutcome TelegramNotifier::PingEscalation(int64_t chat_id, const model::Incident& incident,
                                                  int64_t card_message_id) {
  const std::string key =
      "telegram.escalation:" + std::to_string(incident.id) + ":" + std::to_string(chat_id);
  const std::string done = std::to_string(incident.escalated_at);
  auto setting = store_.GetSetting(key);
  if (!setting) return setting.error();
  if (*setting == done) return Status::Ok();
  if (TimeMs wait = pacer_.Reserve(chat_id, clock_.Now()); wait > 0)
    return jobs::JobOutcome::RetryIn(wait, "paced: chat " + std::to_string(chat_id));
  std::string html = "⏫ <b>Still unacknowledged:</b> " + EscapeHtmlTruncated(incident.title, 300) +
                     " · #incident" + std::to_string(incident.id);
  auto reply = api_.SendReply(chat_id, html, card_message_id, options_.thread_id);
  if (!reply) return reply.error();
  if (Classify(*reply) != TelegramFailure::kNone)
    return Failure("sendMessage", *reply, chat_id, incident.id);
  QUELL_RETURN_IF_ERROR(store_.PutSetting(key, done));
  return RecordTelegramEvent(store_, incident.id, model::EventKind::kNotified, clock_.Now(),
                     "escalation sent to Telegram chat " + std::to_string(chat_id));
}

}  // namespace quell::notify
