// TelegramNotifier::Page: what one escalation step sends (the "escalation.page" job). How far
// each recipient got is kept in the setting "telegram.page:<step event id>:<recipient>" ("done",
// or "chats:<why>" once the person proved unreachable and the chats are still to be told), so a
// job that is retried (a rate limit, a network error half way) pages nobody twice and never
// tries a refused direct message again.
#include <spdlog/spdlog.h>

#include "model/escalation_json.h"
#include "notify/telegram_card_store.h"
#include "notify/telegram_notifier.h"

namespace quell::notify {
namespace {

std::string StepLabel(const model::Page& page) {
  std::string label = "step " + std::to_string(page.step + 1);
  if (page.round > 0) label += ", round " + std::to_string(page.round + 1);
  return label + " of policy " + page.policy;
}

std::string Headline(const model::Incident& incident) {
  return EscapeHtmlTruncated(incident.title, 300) + " · #incident" + std::to_string(incident.id);
}

}  // namespace

jobs::JobOutcome TelegramNotifier::Page(const IncidentSnapshot& snapshot, const model::Page& page) {
  // Acknowledged, resolved or silenced since the step was taken: nobody is paged.
  if (snapshot.incident.status != model::IncidentStatus::kTriggered ||
      snapshot.incident.silenced_until > snapshot.now)
    return Status::Ok();
  Card card = Render(snapshot, /*sent_again=*/false);
  card.silent = false;  // a page rings
  for (size_t i = 0; i < page.recipients.size(); ++i) {
    const std::string done_key =
        "telegram.page:" + std::to_string(page.step_event_id) + ":" + std::to_string(i);
    auto progress = store_.GetSetting(done_key);
    if (!progress) return progress.error();
    if (*progress == "done") continue;
    jobs::JobOutcome outcome =
        PageOne(snapshot, card, page, page.recipients[i], done_key, progress->value_or(""));
    // Refused for good: on the timeline already; the others are still paged.
    if (!outcome.status.ok() && outcome.status.code() != StatusCode::kInvalidArgument)
      return outcome;
    QUELL_RETURN_IF_ERROR(store_.PutSetting(done_key, "done"));
  }
  return Status::Ok();
}

jobs::JobOutcome TelegramNotifier::PageOne(const IncidentSnapshot& snapshot, const Card& card,
                                           const model::Page& page,
                                           const model::PageRecipient& recipient,
                                           const std::string& progress_key,
                                           const std::string& progress) {
  const model::Incident& incident = snapshot.incident;
  const TimeMs now = clock_.Now();
  const std::string who = recipient.user.empty() ? recipient.via : recipient.user;
  const std::string kChatsLeft = "chats:";
  auto tell_chats = [&](const std::string& why) {
    return TellChats(incident.id, "⏫ <b>Could not page " + EscapeHtml(who) + "</b> (" +
                                      EscapeHtml(why) + "), " + EscapeHtml(StepLabel(page)) +
                                      ": " + Headline(incident));
  };
  if (progress.starts_with(kChatsLeft)) return tell_chats(progress.substr(kChatsLeft.size()));
  if (recipient.chat != 0) {
    if (!Configured(recipient.chat)) {
      // Not one of Quell's chats: it gets its own card, kept current from then on.
      return DeliverTo(recipient.chat, snapshot, card);
    }
    return ReplyToCard(recipient.chat, incident.id,
                       "⏫ <b>Escalation</b>, " + EscapeHtml(StepLabel(page)) + ": " +
                           Headline(incident));
  }
  std::string why = recipient.problem;
  if (why.empty()) {
    std::string refused;
    jobs::JobOutcome sent = DirectMessage(snapshot, card, recipient, refused);
    if (!sent.status.ok()) return sent;
    if (refused.empty()) {
      return RecordTelegramEvent(store_, incident.id, model::EventKind::kNotified, now,
                                 "paged " + recipient.user + " by Telegram direct message (" +
                                     StepLabel(page) + ")");
    }
    why = "no direct message: " + refused +
          "; they must open a chat with the bot and press Start";
  }
  spdlog::warn("telegram: could not page {} for incident {}: {}", who, incident.id, why);
  QUELL_RETURN_IF_ERROR(RecordTelegramEvent(
      store_, incident.id, model::EventKind::kNotifyFailed, now,
      "could not page " + who + " (" + why + "); the configured chat(s) were told instead"));
  QUELL_RETURN_IF_ERROR(store_.PutSetting(progress_key, kChatsLeft + why));
  return tell_chats(why);
}

jobs::JobOutcome TelegramNotifier::DirectMessage(const IncidentSnapshot& snapshot, const Card& card,
                                                 const model::PageRecipient& recipient,
                                                 std::string& refused) {
  const int64_t chat_id = recipient.telegram_user_id;
  const int64_t incident_id = snapshot.incident.id;
  QUELL_ASSIGN_OR_RETURN(CardState state, cards_.Read(incident_id, chat_id));
  if (state.card) {  // paged before: a reply to that card rings again
    return ReplyToCard(chat_id, incident_id,
                       "⏫ <b>You are paged again</b>: " + Headline(snapshot.incident), &refused);
  }
  // The first card in this chat goes out under a claim, as Deliver's do (CardLedger).
  std::optional<SendClaim> claim;
  if (jobs::JobOutcome wait = ClaimSend(chat_id, incident_id, state, /*paced=*/false, claim);
      !claim)
    return wait;
  Card first = card;
  if (claim->again) {  // an earlier send's outcome is unknown: this one says so, as Deliver's do
    first = Render(snapshot, /*sent_again=*/true);
    first.silent = card.silent;
  }
  auto reply = api_.SendMessage(chat_id, first, std::nullopt);
  // Remembered: Deliver edits this card with the incident's state from now on.
  QUELL_ASSIGN_OR_RETURN(Settled sent, Settle(*claim, reply, CardHash(first)));
  if (sent.what != Settled::kRefused) return Status::Ok();
  if (Classify(*reply) == TelegramFailure::kPermanent) {
    refused = DescribeReply("sendMessage", *reply);
    return Status::Ok();
  }
  return Failure("sendMessage", *reply, chat_id, incident_id);
}

jobs::JobOutcome TelegramNotifier::TellChats(int64_t incident_id, const std::string& html) {
  for (int64_t chat : options_.chat_ids) {
    jobs::JobOutcome told = ReplyToCard(chat, incident_id, html);
    if (!told.status.ok()) return told;
  }
  return Status::Ok();
}

jobs::JobOutcome TelegramNotifier::ReplyToCard(int64_t chat_id, int64_t incident_id,
                                               const std::string& html, std::string* refused) {
  QUELL_ASSIGN_OR_RETURN(CardState state, cards_.Read(incident_id, chat_id));
  const std::optional<CardRecord>& card = state.card;
  if (TimeMs wait = pacer_.Reserve(chat_id, clock_.Now()); wait > 0)
    return jobs::JobOutcome::RetryIn(wait, "paced: chat " + std::to_string(chat_id));
  auto reply = api_.SendReply(chat_id, html, card ? card->message_id : 0, ThreadFor(chat_id));
  if (!reply) return reply.error();
  const TelegramFailure failure = Classify(*reply);
  if (failure == TelegramFailure::kNone) return Status::Ok();
  if (failure == TelegramFailure::kPermanent && refused) {
    *refused = DescribeReply("sendMessage", *reply);
    return Status::Ok();
  }
  return Failure("sendMessage", *reply, chat_id, incident_id);
}

void RegisterPager(jobs::JobRunner& runner, store::Store& store, const Clock& clock,
                   TelegramNotifier* telegram, std::string dashboard_url) {
  while (!dashboard_url.empty() && dashboard_url.back() == '/') dashboard_url.pop_back();
  runner.Register("escalation.page", [&store, &clock, telegram,
                                      dashboard_url](const model::Job& job) -> jobs::JobOutcome {
    auto page = model::PageFromJsonText(job.payload);
    if (!page) return InvalidArgument("escalation.page payload: " + page.error().message());
    if (!telegram) {
      return RecordTelegramEvent(store, job.incident_id, model::EventKind::kNotifyFailed,
                                 clock.Now(),
                                 "Telegram is off (telegram.bot_token): " + StepLabel(*page) +
                                     " paged nobody");
    }
    auto snapshot = LoadSnapshot(store, job.incident_id, clock.Now(), dashboard_url);
    if (!snapshot) return snapshot.error();
    return telegram->Page(*snapshot, *page);
  });
}

}  // namespace quell::notify
