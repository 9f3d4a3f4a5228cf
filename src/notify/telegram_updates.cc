#include "notify/telegram_updates.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "common/hash.h"
#include "notify/oncall_text.h"
#include "notify/telegram_card.h"

namespace quell::notify {
namespace {

constexpr const char* kOffsetSetting = "telegram.offset";

// The action a verb stands for, and the toast that confirms it.
struct Verb {
  std::string_view name;
  engine::Action action;
  std::string_view done;
};
constexpr Verb kVerbs[] = {
    {"ack", engine::Action::kAck, "Acknowledged"},
    {"unack", engine::Action::kUnack, "Unacknowledged"},
    {"res", engine::Action::kResolve, "Resolved"},
    {"reo", engine::Action::kReopen, "Reopened"},
    {"sil", engine::Action::kSilence, "Silenced"},
    {"unsil", engine::Action::kUnsilence, "Notifications back on"},
};

// What a press on an action button does: the Engine acts, the toast says how it went.
std::string ActOn(engine::Engine& engine, const CallbackQuery& q, const CallbackData& data,
                  const Verb& verb, const std::string& actor) {
  TimeMs silence_ms = kHourMs;
  if (verb.action == engine::Action::kSilence && !data.arg.empty()) {
    try {
      silence_ms = std::clamp<TimeMs>(std::stoll(data.arg), 60, 7 * 24 * 3600) * kSecondMs;
    } catch (...) {
      return "Unknown button";
    }
  }
  auto incident = engine.Act(data.incident_id, verb.action, actor,
                              "via Telegram (user " + std::to_string(q.from_id) + ")", silence_ms);
  if (!incident) {
    spdlog::info("telegram: {} on incident {} by {}: {}", data.verb, data.incident_id, actor,
                 incident.error().message());
    if (incident.error().code() == StatusCode::kNotFound) return "Incident not found";
    if (incident.error().code() == StatusCode::kConflict) return "Not now: " + incident.error().message();
    return "Could not act now; try again";
  }
  spdlog::info("telegram: incident {} {} by {}", data.incident_id, verb.name, actor);
  std::string toast(verb.done);
  if (verb.action == engine::Action::kSilence)
    toast += " for " + std::to_string(silence_ms / kMinuteMs) + " min";
  return toast + " ✓";
}

}  // namespace

TelegramUpdates::TelegramUpdates(TelegramApi& api, engine::Engine& engine, TelegramAccess access,
                                 CardRefresher refresh_card, CardLedger* cards)
    : api_(api),
      engine_(engine),
      access_(std::move(access)),
      refresh_card_(std::move(refresh_card)),
      cards_(cards) {}

bool TelegramUpdates::IsOrphan(const CallbackQuery& q, int64_t incident_id) {
  if (!cards_) return false;
  auto state = cards_->Read(incident_id, q.chat_id);
  if (!state) {
    spdlog::warn("telegram: card of incident {}: {}", incident_id, state.error().message());
    return false;
  }
  return state->card && state->card->message_id != q.message_id;
}

void TelegramUpdates::Supersede(const CallbackQuery& q, int64_t incident_id) {
  spdlog::info("telegram: press on message {} in chat {}, an orphan copy of incident {}'s card: "
               "marking it superseded",
               q.message_id, q.chat_id, incident_id);
  auto reply = api_.EditMessageText(q.chat_id, q.message_id, SupersededCard(incident_id));
  if (!reply)
    spdlog::warn("telegram: orphan card not marked superseded: {}", reply.error().message());
  else if (!reply->ok && Classify(*reply) != TelegramFailure::kNotModified)
    spdlog::warn("telegram: orphan card not marked superseded: {} {}", reply->error_code,
                 reply->description);
}

std::string TelegramUpdates::Act(const CallbackQuery& q) {
  const bool chat_ok = access_.chat_ids.count(q.chat_id) > 0;
  const bool user_ok = access_.allowed_user_ids.empty() || access_.allowed_user_ids.count(q.from_id) > 0;
  // A direct message (its chat id is the user's id) where an escalation step paged a user of
  // the directory: that user may act there, whatever the chats' rules.
  std::optional<model::User> paged;
  if (!chat_ok && q.chat_id == q.from_id) {
    auto user = engine_.oncall().FindUserByTelegramId(q.from_id);
    if (!user) {
      spdlog::warn("telegram: press in a direct message: {}", user.error().ToString());
      return "Could not act now; try again";
    }
    paged = std::move(*user);
  }
  if (!paged && (!chat_ok || !user_ok)) {
    spdlog::warn("telegram: press by user {} in chat {} refused: {}", q.from_id, q.chat_id,
                 chat_ok ? "user not in telegram.allowed_user_ids" : "chat not in telegram.chat_ids");
    return "⛔ You are not allowed to act on incidents";
  }
  auto data = ParseCallbackData(q.data);
  if (!data) return "Unknown button";
  std::string actor =
      "telegram:" + (paged ? paged->name
                           : (q.from_name.empty() ? std::to_string(q.from_id) : q.from_name));
  const bool orphan = IsOrphan(q, data->incident_id);
  if (orphan && data->verb.starts_with("sl")) {  // its menu would act on this copy
    Supersede(q, data->incident_id);
    return "This copy is superseded: use the incident's current card";
  }
  if (data->verb.starts_with("sl")) return SilenceLikeThis(q, *data, actor);
  const Verb* verb = nullptr;
  for (const auto& v : kVerbs)
    if (v.name == data->verb) verb = &v;
  if (!verb) return "Unknown button";
  std::string toast = ActOn(engine_, q, *data, *verb, actor);
  if (orphan) Supersede(q, data->incident_id);  // after acting: the current card shows the act
  return toast;
}

std::optional<std::string> TelegramUpdates::Reply(const TextMessage& message) {
  if (access_.chat_ids.count(message.chat_id) == 0 || !IsCommand(message.text, "oncall"))
    return std::nullopt;
  auto answers = engine_.oncall().WhoIsOnCallEverywhere(engine_.clock().Now());
  if (!answers) {
    spdlog::warn("telegram: /oncall: {}", answers.error().ToString());
    return "Could not read the schedules now; try again.";
  }
  return OnCallHtml(*answers);
}

void TelegramUpdates::Handle(const TelegramUpdate& update) {
  if (update.message) {
    const TextMessage& m = *update.message;
    if (auto reply = Reply(m)) {
      auto sent = api_.SendReply(m.chat_id, *reply, m.message_id, m.thread_id);
      if (!sent || !sent->ok)
        spdlog::warn("telegram: reply to a command failed: {}",
                     sent ? std::to_string(sent->error_code) + " " + sent->description
                          : sent.error().message());
    }
  }
  if (!update.callback_query) return;
  const CallbackQuery& q = *update.callback_query;
  std::string toast = Act(q);
  auto answer = api_.AnswerCallbackQuery(q.id, toast);
  if (!answer)
    spdlog::warn("telegram: answerCallbackQuery failed: {}", answer.error().message());
  else if (!answer->ok)
    spdlog::warn("telegram: answerCallbackQuery: {} {}", answer->error_code, answer->description);
}

TelegramPoller::TelegramPoller(TelegramApi& api, TelegramUpdates& updates, store::Store& store,
                               TelegramPollerOptions options, store::SingletonLease* lease)
    : api_(api), updates_(updates), store_(store), options_(options), lease_(lease) {}

TelegramPoller::~TelegramPoller() { Stop(); }

void TelegramPoller::Start() {
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void TelegramPoller::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

bool TelegramPoller::SleepFor(TimeMs ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!stopping_ && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<TimeMs>(ms, 50)));
  return !stopping_;
}

bool TelegramPoller::Leading() {
  const bool held = !lease_ || lease_->Held();
  if (held && !leading_) {
    if (lease_) spdlog::info("telegram: this node holds the poller lease; polling for updates");
    // A webhook left set would make every getUpdates fail with 409.
    if (auto r = api_.DeleteWebhook(); !r || !r->ok)
      spdlog::warn("telegram: deleteWebhook failed: {}",
                   r ? std::to_string(r->error_code) + " " + r->description : r.error().message());
    // Another node may have polled since this one last did.
    offset_ = 0;
    if (auto stored = store_.GetSetting(kOffsetSetting); stored && *stored) {
      try {
        offset_ = std::stoll(**stored);
      } catch (...) {
      }
    }
  } else if (!held && leading_) {
    spdlog::warn("telegram: poller lease lost (connection to PostgreSQL lost); not polling");
  }
  leading_ = held;
  return held;
}

void TelegramPoller::Run() {
  TimeMs backoff = 1000;
  while (!stopping_) {
    if (!Leading()) {
      if (!SleepFor(options_.lease_retry_ms)) break;
      continue;
    }
    const auto started = std::chrono::steady_clock::now();
    auto reply = api_.GetUpdates(offset_, options_.timeout_s, &stopping_);
    if (stopping_) break;
    TimeMs wait = 0;
    if (!reply) {
      spdlog::warn("telegram: getUpdates: {}; retrying in {} ms", reply.error().message(), backoff);
      wait = backoff;
    } else if (!reply->ok) {
      switch (Classify(*reply)) {
        case TelegramFailure::kRetryAfter:
          wait = std::max(1, reply->retry_after_s) * kSecondMs;
          break;
        case TelegramFailure::kConflict:
          spdlog::warn("telegram: getUpdates conflict ({}): another Quell node or a webhook "
                       "reads this bot's updates; only one may",
                       reply->description);
          wait = std::max<TimeMs>(backoff, 5000);
          break;
        case TelegramFailure::kPermanent:
          spdlog::error("telegram: getUpdates refused: {} {} (check telegram.bot_token)",
                        reply->error_code, reply->description);
          wait = options_.max_backoff_ms;
          break;
        default:
          spdlog::warn("telegram: getUpdates: {} {}", reply->error_code, reply->description);
          wait = backoff;
      }
    } else {
      backoff = 1000;
      auto updates = ParseUpdates(reply->result_json);
      if (!updates) {
        spdlog::warn("telegram: getUpdates result unreadable: {}", updates.error().message());
      } else {
        for (const auto& update : *updates) {
          updates_.Handle(update);
          offset_ = std::max(offset_, update.update_id + 1);
        }
        if (!updates->empty()) (void)store_.PutSetting(kOffsetSetting, std::to_string(offset_));
      }
      auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started).count();
      if (took < options_.min_interval_ms) wait = options_.min_interval_ms - took;
    }
    if (wait > 0 && !SleepFor(wait)) break;
    if (!reply || !reply->ok) backoff = std::min(backoff * 2, options_.max_backoff_ms);
  }
}

Result<std::vector<TelegramUpdate>> ReadWebhook(const std::string& expected_secret,
                                                const std::string& secret_header,
                                                const std::string& body) {
  if (expected_secret.empty() || !ConstantTimeEquals(secret_header, expected_secret)) {
    spdlog::warn("telegram: webhook call with a wrong or missing secret token refused");
    return Error(Status{StatusCode::kUnauthenticated, "wrong or missing secret token",
                        "x-telegram-bot-api-secret-token"});
  }
  return ParseUpdates(body);
}

Status HandleWebhook(TelegramUpdates& updates, const std::string& expected_secret,
                     const std::string& secret_header, const std::string& body) {
  QUELL_ASSIGN_OR_RETURN(auto parsed, ReadWebhook(expected_secret, secret_header, body));
  for (const auto& update : parsed) updates.Handle(update);
  return Status::Ok();
}

}  // namespace quell::notify
