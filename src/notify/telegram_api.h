// TelegramApi: the Bot API subset Quell uses, over net::HttpClient (JSON POST to
// <api_url>/bot<token>/<method>). Errors as values: a Telegram that cannot be reached is
// Unavailable; any answer from Telegram, even an error, is a Reply the caller classifies. The
// token is only ever part of the request URL, which no message or log line contains.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "net/http_client.h"
#include "notify/telegram_card.h"

namespace quell::notify {

struct TelegramApiOptions {
  std::string api_url = "https://api.telegram.org";
  std::string bot_token;
  long timeout_ms = 15000;  // one call (long polls add their own wait)
};

// One answer of the Bot API.
struct TelegramReply {
  bool ok = false;
  std::string result_json;  // "result", as JSON text
  int error_code = 0;
  std::string description;
  int retry_after_s = 0;  // parameters.retry_after (429)
};

// What a failed call means for the caller.
enum class TelegramFailure {
  kNone,         // ok
  kNotModified,  // an edit with nothing new: as good as done
  kRetryAfter,   // 429: wait retry_after_s, then the same call
  kTransient,    // 5xx or other server trouble: retry with backoff
  kGone,         // the message to edit is gone: send a new one
  kConflict,     // 409: another poller or a webhook is active
  kPermanent,    // 400/401/403/404: retrying cannot help (bad token, bot blocked, bad chat)
};
TelegramFailure Classify(const TelegramReply& reply);

struct CallbackQuery {
  std::string id;
  int64_t from_id = 0;
  std::string from_name;  // @username, or the first name
  int64_t chat_id = 0;
  int64_t message_id = 0;
  std::string data;
};

// A text message in a chat: what a command such as /oncall arrives as.
struct TextMessage {
  int64_t message_id = 0;
  int64_t chat_id = 0;
  int64_t from_id = 0;
  std::optional<int64_t> thread_id;  // message_thread_id, in a forum topic
  std::string text;
};

struct TelegramUpdate {
  int64_t update_id = 0;
  std::optional<CallbackQuery> callback_query;
  std::optional<TextMessage> message;  // other update kinds are ignored
};

class TelegramApi {
 public:
  TelegramApi(net::HttpClient& http, TelegramApiOptions options);

  // Unavailable if Telegram could not be reached or did not answer with Bot API JSON.
  Result<TelegramReply> Call(std::string_view method, const std::string& json_body,
                             long extra_timeout_ms = 0, const std::atomic<bool>* cancel = nullptr);

  Result<TelegramReply> SendMessage(int64_t chat_id, const Card& card,
                                    std::optional<int64_t> thread_id);
  // A short message (HTML) in reply to `reply_to` (0: none), without buttons.
  Result<TelegramReply> SendReply(int64_t chat_id, const std::string& html, int64_t reply_to,
                                  std::optional<int64_t> thread_id);
  Result<TelegramReply> EditMessageText(int64_t chat_id, int64_t message_id, const Card& card);
  // Replaces a message's buttons, its text unchanged.
  Result<TelegramReply> EditMessageReplyMarkup(int64_t chat_id, int64_t message_id,
                                               const std::vector<std::vector<Button>>& keyboard);
  Result<TelegramReply> AnswerCallbackQuery(const std::string& callback_query_id,
                                            const std::string& text);
  // Long poll: waits up to timeout_s for callback queries and messages after `offset`.
  Result<TelegramReply> GetUpdates(int64_t offset, int timeout_s,
                                   const std::atomic<bool>* cancel);
  Result<TelegramReply> DeleteWebhook();
  Result<TelegramReply> SetWebhook(const std::string& url, const std::string& secret);

 private:
  net::HttpClient& http_;
  const TelegramApiOptions options_;
};

// The message_id of a sendMessage result.
Result<int64_t> SentMessageId(const TelegramReply& reply);
// The updates of a getUpdates result (an array) or of one webhook body (an object).
Result<std::vector<TelegramUpdate>> ParseUpdates(std::string_view json);

}  // namespace quell::notify
