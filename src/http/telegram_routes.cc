// POST /telegram/webhook: Telegram delivers button presses here in webhook mode. Telegram sends
// no bearer token; it proves itself with the secret given to setWebhook, in the
// X-Telegram-Bot-Api-Secret-Token header (compared in constant time by notify::ReadWebhook).
// Acting on a press answers Telegram (answerCallbackQuery) over the network, so the webhook is
// answered 200 as soon as the update is read, and the press is handled on a worker (one at a
// time, in order of arrival). With that worker's queue full the answer is 503: Telegram delivers
// the update again later.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "common/hash.h"
#include "http/json_response.h"
#include "http/routes.h"
#include "notify/telegram_updates.h"

namespace quell::http {

void AddTelegramRoutes(Router& router, const ApiDeps& deps, Background& background) {
  Route webhook{"POST", "/telegram/webhook", std::nullopt,
              [deps, pool = &background.telegram](HttpRequest& request, const PathParams&,
                                                  Responder respond) {
                if (!deps.telegram_updates)
                  return respond(ErrorResponse(
                      NotFound("Telegram webhook mode is not enabled (telegram.mode = webhook)")));
                if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
                auto updates = notify::ReadWebhook(deps.telegram_webhook_secret,
                                                   request.Header("x-telegram-bot-api-secret-token"),
                                                   request.body);
                if (!updates) return respond(ErrorResponse(updates.error()));
                const bool posted =
                    pool->TryPost([handler = deps.telegram_updates, parsed = std::move(*updates)] {
                      for (const auto& update : parsed) handler->Handle(update);
                    });
                if (!posted) {
                  spdlog::warn("telegram: {} webhook update(s) waiting already; answering 503 so "
                               "Telegram delivers this one again later",
                               pool->queued());
                  // 503 with Retry-After: 1 (ErrorResponse).
                  return respond(
                      ErrorResponse(Unavailable("busy with earlier updates; deliver again later")));
                }
                respond(JsonResponse(200, boost::json::object{{"ok", true}}));
              }};
  // Refused on the headers, before the body is read: webhook mode off, or the secret missing.
  webhook.check_head = [deps](const HttpRequest& head) -> Status {
    if (!deps.telegram_updates)
      return NotFound("Telegram webhook mode is not enabled (telegram.mode = webhook)");
    if (deps.telegram_webhook_secret.empty() ||
        !ConstantTimeEquals(head.Header("x-telegram-bot-api-secret-token"),
                            deps.telegram_webhook_secret)) {
      spdlog::warn("telegram: webhook call with a wrong or missing secret token refused");
      return {StatusCode::kUnauthenticated, "wrong or missing secret token",
              "x-telegram-bot-api-secret-token"};
    }
    return Status::Ok();
  };
  router.Add(std::move(webhook));
}

}  // namespace quell::http
