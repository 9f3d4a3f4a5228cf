// "Silence like this…" on the incident card: slm shows the durations in place of the card's
// buttons, sll creates a silence by matchers like the incident's alert (Engine::SilenceLike) and
// redraws the card, slx puts the card's buttons back.
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "notify/telegram_updates.h"

namespace quell::notify {

namespace {

void WarnIfFailed(const Result<TelegramReply>& reply, std::string_view what) {
  if (!reply)
    spdlog::warn("telegram: {}: {}", what, reply.error().message());
  else if (!reply->ok)
    spdlog::warn("telegram: {}: {} {}", what, reply->error_code, reply->description);
}

// Longest wait for pacing a press's redraw sits out (on the poller's or a worker's thread).
constexpr TimeMs kMaxRedrawWaitMs = 2 * kSecondMs;

}  // namespace

CardRefresher RedrawCard(Notifier& notifier, store::Store& store, engine::Engine& engine,
                         std::string dashboard_url) {
  while (!dashboard_url.empty() && dashboard_url.back() == '/') dashboard_url.pop_back();
  return [&notifier, &store, &engine, dashboard_url](int64_t incident_id) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto snapshot = LoadSnapshot(store, incident_id, engine.clock().Now(), dashboard_url);
      if (!snapshot) {
        spdlog::warn("telegram: card {} not redrawn: {}", incident_id, snapshot.error().message());
        return;
      }
      if (auto silenced_by = engine.SilencedBy(incident_id)) snapshot->silenced_by = *silenced_by;
      jobs::JobOutcome outcome = notifier.Deliver(*snapshot);
      if (outcome.status.ok()) return;
      if (!outcome.retry_in_ms || *outcome.retry_in_ms > kMaxRedrawWaitMs || attempt > 0) {
        spdlog::info("telegram: card {} not redrawn now: {}", incident_id,
                     outcome.status.message());
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(*outcome.retry_in_ms));
    }
  };
}

std::string TelegramUpdates::SilenceLikeThis(const CallbackQuery& q, const CallbackData& data,
                                             const std::string& actor) {
  if (data.verb == "slm") {
    WarnIfFailed(
        api_.EditMessageReplyMarkup(q.chat_id, q.message_id, SilenceLikeThisMenu(data.incident_id)),
        "editMessageReplyMarkup");
    return "Silence alerts like this one for…";
  }
  if (data.verb == "slx") {
    if (refresh_card_) refresh_card_(data.incident_id);
    return "Back";
  }
  auto duration = SilenceLikeThisDuration(data.arg);  // ParseCallbackData checked it
  if (!duration) return "Unknown button";
  auto silence =
      engine_.SilenceLike(data.incident_id, *duration, actor,
                          "from Telegram, incident #" + std::to_string(data.incident_id) +
                              " (user " + std::to_string(q.from_id) + ")");
  if (!silence) {
    spdlog::info("telegram: silence like incident {} by {}: {}", data.incident_id, actor,
                 silence.error().message());
    if (silence.error().code() == StatusCode::kNotFound) return "Incident not found";
    return "Could not silence now; try again";
  }
  spdlog::info("telegram: silence {} like incident {} for {} min by {}", silence->id,
               data.incident_id, *duration / kMinuteMs, actor);
  if (refresh_card_) refresh_card_(data.incident_id);
  return "Silenced alerts like this for " + std::to_string(*duration / kHourMs) + " h ✓";
}

}  // namespace quell::notify
