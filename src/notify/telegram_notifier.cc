#include "notify/telegram_notifier.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "notify/telegram_card_store.h"

namespace quell::notify {

bool TelegramNotifier::Configured(int64_t chat_id) const {
  return std::find(options_.chat_ids.begin(), options_.chat_ids.end(), chat_id) !=
         options_.chat_ids.end();
}

std::optional<int64_t> TelegramNotifier::ThreadFor(int64_t chat_id) const {
  return Configured(chat_id) ? options_.thread_id : std::nullopt;
}

TelegramNotifier::TelegramNotifier(TelegramApi& api, store::Store& store, Pacer& pacer,
                                   const Clock& clock, TelegramNotifierOptions options)
    : api_(api), store_(store), pacer_(pacer), clock_(clock), options_(std::move(options)) {}

jobs::JobOutcome TelegramNotifier::Deliver(const IncidentSnapshot& snapshot) {
  Card card = RenderCard({snapshot.incident, snapshot.analysis, snapshot.incident_url, snapshot.now,
                          snapshot.silenced_by});
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
                                             const Card& card) {
  const int64_t incident_id = snapshot.incident.id;
  const std::string key = CardKey(incident_id, chat_id);
  const std::string hash = CardHash(card);
  auto setting = store_.GetSetting(key);
  if (!setting) return setting.error();
  std::optional<StoredCard> stored = ParseStoredCard(*setting);
  // escalation.after's ping goes to the configured chats only.
  const bool escalated = snapshot.incident.escalated_at > 0 &&
                         snapshot.incident.status == model::IncidentStatus::kTriggered &&
                         Configured(chat_id);
  if (stored && stored->hash == hash)  // the chat already shows this
    return escalated ? PingEscalation(chat_id, snapshot.incident, stored->message_id)
                     : jobs::JobOutcome(Status::Ok());

  if (TimeMs wait = pacer_.Reserve(chat_id, clock_.Now()); wait > 0)
    return jobs::JobOutcome::RetryIn(wait, "paced: chat " + std::to_string(chat_id));

  if (stored) {
    auto reply = api_.EditMessageText(chat_id, stored->message_id, card);
    if (!reply) return reply.error();
    TelegramFailure f = Classify(*reply);
    if (f == TelegramFailure::kNone || f == TelegramFailure::kNotModified) {
      QUELL_RETURN_IF_ERROR(store_.PutSetting(key, std::to_string(stored->message_id) + " " + hash));
      return escalated ? PingEscalation(chat_id, snapshot.incident, stored->message_id)
                       : jobs::JobOutcome(Status::Ok());
    }
    if (f != TelegramFailure::kGone) return Failure("editMessageText", *reply, chat_id, incident_id);
    spdlog::info("telegram: card of incident {} in chat {} is gone; sending a new one",
                 incident_id, chat_id);
  }

  auto reply = api_.SendMessage(chat_id, card, ThreadFor(chat_id));
  if (!reply) return reply.error();
  if (Classify(*reply) != TelegramFailure::kNone) return Failure("sendMessage", *reply, chat_id, incident_id);
  auto message_id = SentMessageId(*reply);
  if (!message_id) return message_id.error();
  // Remembered at once: from here on this incident's card in this chat is only edited.
  QUELL_RETURN_IF_ERROR(store_.PutSetting(key, std::to_string(*message_id) + " " + hash));
  QUELL_RETURN_IF_ERROR(RecordTelegramEvent(store_, incident_id, model::EventKind::kNotified, clock_.Now(),
                                    "card sent to Telegram chat " + std::to_string(chat_id)));
  return escalated ? PingEscalation(chat_id, snapshot.incident, *message_id)
                   : jobs::JobOutcome(Status::Ok());
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
