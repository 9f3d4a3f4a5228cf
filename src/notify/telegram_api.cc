#include "notify/telegram_api.h"

#include <boost/json.hpp>

namespace quell::notify {
namespace json = boost::json;
namespace {

json::value KeyboardJson(const std::vector<std::vector<Button>>& keyboard) {
  json::array rows;
  for (const auto& row : keyboard) {
    json::array buttons;
    for (const auto& b : row) buttons.push_back(json::object{{"text", b.text}, {"callback_data", b.data}});
    rows.push_back(std::move(buttons));
  }
  return json::object{{"inline_keyboard", std::move(rows)}};
}

int64_t IntOr(const json::object& o, std::string_view key, int64_t fallback = 0) {
  const json::value* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) {
    // Converting a double outside int64's range (or NaN) to an integer is undefined behaviour.
    const double d = v->get_double();
    if (d >= -9.2e18 && d <= 9.2e18) return static_cast<int64_t>(d);
  }
  return fallback;
}

std::string StringOr(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

const json::object* ObjectAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

// Button presses, and messages for the commands (/oncall).
json::array AllowedUpdates() { return json::array{"callback_query", "message"}; }

std::optional<TelegramUpdate> ReadUpdate(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const json::object& o = v.get_object();
  TelegramUpdate update;
  update.update_id = IntOr(o, "update_id", -1);
  if (update.update_id < 0) return std::nullopt;
  if (const json::object* q = ObjectAt(o, "callback_query")) {
    CallbackQuery cq;
    const json::value* id = q->if_contains("id");
    if (id && id->is_string()) cq.id = std::string(id->get_string());
    else if (id && (id->is_int64() || id->is_uint64())) cq.id = json::serialize(*id);
    cq.data = StringOr(*q, "data");
    if (const json::object* from = ObjectAt(*q, "from")) {
      cq.from_id = IntOr(*from, "id");
      std::string username = StringOr(*from, "username");
      cq.from_name = username.empty() ? StringOr(*from, "first_name") : "@" + username;
    }
    if (const json::object* message = ObjectAt(*q, "message")) {
      cq.message_id = IntOr(*message, "message_id");
      if (const json::object* chat = ObjectAt(*message, "chat")) cq.chat_id = IntOr(*chat, "id");
    }
    update.callback_query = std::move(cq);
  }
  if (const json::object* m = ObjectAt(o, "message")) {
    TextMessage message;
    message.message_id = IntOr(*m, "message_id");
    message.text = StringOr(*m, "text");
    if (const json::object* chat = ObjectAt(*m, "chat")) message.chat_id = IntOr(*chat, "id");
    if (const json::object* from = ObjectAt(*m, "from")) message.from_id = IntOr(*from, "id");
    if (m->contains("message_thread_id")) message.thread_id = IntOr(*m, "message_thread_id");
    update.message = std::move(message);
  }
  return update;
}

}  // namespace

TelegramFailure Classify(const TelegramReply& reply) {
  if (reply.ok) return TelegramFailure::kNone;
  const std::string& d = reply.description;
  if (d.find("message is not modified") != std::string::npos) return TelegramFailure::kNotModified;
  if (reply.error_code == 429) return TelegramFailure::kRetryAfter;
  if (reply.error_code == 409) return TelegramFailure::kConflict;
  if (d.find("message to edit not found") != std::string::npos ||
      d.find("MESSAGE_ID_INVALID") != std::string::npos)
    return TelegramFailure::kGone;
  if (reply.error_code >= 400 && reply.error_code < 500) return TelegramFailure::kPermanent;
  return TelegramFailure::kTransient;
}

TelegramApi::TelegramApi(net::HttpClient& http, TelegramApiOptions options)
    : http_(http), options_(std::move(options)) {}

Result<TelegramReply> TelegramApi::Call(std::string_view method, const std::string& json_body,
                                        long extra_timeout_ms, const std::atomic<bool>* cancel) {
  net::HttpClientRequest request;
  request.method = "POST";
  std::string base = options_.api_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  request.url = base + "/bot" + options_.bot_token + "/" + std::string(method);
  request.headers = {{"Content-Type", "application/json"}};
  request.body = json_body;
  request.timeout_ms = options_.timeout_ms + extra_timeout_ms;
  request.cancel = cancel;
  QUELL_ASSIGN_OR_RETURN(auto response, http_.Send(request));
  boost::system::error_code ec;
  json::value body = json::parse(response.body, ec);
  if (ec || !body.is_object()) {
    return Error(Unavailable("Telegram " + std::string(method) + " answered HTTP " +
                             std::to_string(response.status) + " without Bot API JSON"));
  }
  const json::object& o = body.get_object();
  TelegramReply reply;
  const json::value* ok = o.if_contains("ok");
  reply.ok = ok && ok->is_bool() && ok->get_bool() && response.status / 100 == 2;
  if (const json::value* result = o.if_contains("result")) reply.result_json = json::serialize(*result);
  reply.error_code = static_cast<int>(IntOr(o, "error_code", reply.ok ? 0 : response.status));
  reply.description = StringOr(o, "description");
  if (const json::object* p = ObjectAt(o, "parameters"))
    reply.retry_after_s = static_cast<int>(IntOr(*p, "retry_after"));
  return reply;
}

Result<TelegramReply> TelegramApi::SendMessage(int64_t chat_id, const Card& card,
                                               std::optional<int64_t> thread_id) {
  json::object body{{"chat_id", chat_id},
                    {"text", card.html},
                    {"parse_mode", "HTML"},
                    {"disable_notification", card.silent},
                    {"link_preview_options", json::object{{"is_disabled", true}}},
                    {"reply_markup", KeyboardJson(card.keyboard)}};
  if (thread_id) body["message_thread_id"] = *thread_id;
  return Call("sendMessage", json::serialize(body));
}

Result<TelegramReply> TelegramApi::SendReply(int64_t chat_id, const std::string& html,
                                             int64_t reply_to, std::optional<int64_t> thread_id) {
  json::object body{{"chat_id", chat_id},
                    {"text", html},
                    {"parse_mode", "HTML"},
                    {"link_preview_options", json::object{{"is_disabled", true}}}};
  if (reply_to > 0)
    body["reply_parameters"] = json::object{{"message_id", reply_to}, {"allow_sending_without_reply", true}};
  if (thread_id) body["message_thread_id"] = *thread_id;
  return Call("sendMessage", json::serialize(body));
}

Result<TelegramReply> TelegramApi::EditMessageText(int64_t chat_id, int64_t message_id,
                                                   const Card& card) {
  // The keyboard goes with every edit: an edit without it removes the buttons.
  json::object body{{"chat_id", chat_id},
                    {"message_id", message_id},
                    {"text", card.html},
                    {"parse_mode", "HTML"},
                    {"link_preview_options", json::object{{"is_disabled", true}}},
                    {"reply_markup", KeyboardJson(card.keyboard)}};
  return Call("editMessageText", json::serialize(body));
}

Result<TelegramReply> TelegramApi::EditMessageReplyMarkup(
    int64_t chat_id, int64_t message_id, const std::vector<std::vector<Button>>& keyboard) {
  json::object body{
      {"chat_id", chat_id}, {"message_id", message_id}, {"reply_markup", KeyboardJson(keyboard)}};
  return Call("editMessageReplyMarkup", json::serialize(body));
}

Result<TelegramReply> TelegramApi::AnswerCallbackQuery(const std::string& callback_query_id,
                                                       const std::string& text) {
  json::object body{{"callback_query_id", callback_query_id}, {"text", text.substr(0, 190)}};
  return Call("answerCallbackQuery", json::serialize(body));
}

Result<TelegramReply> TelegramApi::GetUpdates(int64_t offset, int timeout_s,
                                              const std::atomic<bool>* cancel) {
  json::object body{{"offset", offset},
                    {"timeout", timeout_s},
                    {"allowed_updates", AllowedUpdates()}};
  return Call("getUpdates", json::serialize(body), timeout_s * 1000L, cancel);
}

Result<TelegramReply> TelegramApi::DeleteWebhook() { return Call("deleteWebhook", "{}"); }

Result<TelegramReply> TelegramApi::SetWebhook(const std::string& url, const std::string& secret) {
  json::object body{{"url", url}, {"allowed_updates", AllowedUpdates()}};
  if (!secret.empty()) body["secret_token"] = secret;
  return Call("setWebhook", json::serialize(body));
}

Result<int64_t> SentMessageId(const TelegramReply& reply) {
  boost::system::error_code ec;
  json::value v = json::parse(reply.result_json, ec);
  if (!ec && v.is_object()) {
    int64_t id = IntOr(v.get_object(), "message_id");
    if (id > 0) return id;
  }
  return Error(Unavailable("sendMessage result has no message_id"));
}

Result<std::vector<TelegramUpdate>> ParseUpdates(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return Error(InvalidArgument("update is not JSON", "body"));
  std::vector<TelegramUpdate> out;
  if (v.is_array()) {
    for (const auto& item : v.get_array())
      if (auto u = ReadUpdate(item)) out.push_back(std::move(*u));
    return out;
  }
  auto u = ReadUpdate(v);
  if (!u) return Error(InvalidArgument("an update needs an update_id", "update_id"));
  out.push_back(std::move(*u));
  return out;
}

}  // namespace quell::notify
