// POST /telegram/webhook: Telegram delivers button presses here in webhook mode. Telegram sends
// no bearer token; it proves itself with the secret given to setWebhook, in the
// X-Telegram-Bot-Api-Secret-Token header (compared in constant time by notify::HandleWebhook).
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "common/hash.h"
#include "http/json_response.h"
#include "http/routes.h"
#include "notify/telegram_updates.h"

namespace quell::http {

void AddTelegramRoutes(Router& router, const ApiDeps& deps) {
  Route webhook{"POST", "/telegram/webhook", std::nullopt,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                if (!deps.telegram_updates)
                  return respond(ErrorResponse(
                      NotFound("Telegram webhook mode is not enabled (telegram.mode = webhook)")));
                if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
                Status handled = notify::HandleWebhook(
                    *deps.telegram_updates, deps.telegram_webhook_secret,
                    request.Header("x-telegram-bot-api-secret-token"), request.body);
                if (!handled.ok()) return respond(ErrorResponse(handled));
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
