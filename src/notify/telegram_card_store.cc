#include "notify/telegram_card_store.h"

#include "common/hash.h"

namespace quell::notify {

std::string CardKey(int64_t incident_id, int64_t chat_id) {
  return "telegram.card:" + std::to_string(incident_id) + ":" + std::to_string(chat_id);
}

std::string CardHash(const Card& card) {
  std::string all = card.html;
  for (const auto& row : card.keyboard)
    for (const auto& b : row) all += "\n" + b.text + "\t" + b.data;
  return Hex16(Xxh3(all));
}

Result<std::vector<int64_t>> ChatsWithCard(store::Store& store, int64_t incident_id) {
  const std::string prefix = "telegram.card:" + std::to_string(incident_id) + ":";
  QUELL_ASSIGN_OR_RETURN(auto settings, store.ListSettings(prefix));
  std::vector<int64_t> chats;
  for (const auto& [key, value] : settings) {
    try {
      chats.push_back(std::stoll(key.substr(prefix.size())));
    } catch (...) {
    }
  }
  return chats;
}

std::string DescribeReply(std::string_view method, const TelegramReply& reply) {
  return "Telegram " + std::string(method) + ": " + std::to_string(reply.error_code) + " " +
         reply.description;
}

Status RecordTelegramEvent(store::Store& store, int64_t incident_id, model::EventKind kind,
                           TimeMs now, std::string note, bool collapse) {
  QUELL_ASSIGN_OR_RETURN(auto tx, store.Begin());
  bool bumped = false;
  if (collapse) {
    QUELL_ASSIGN_OR_RETURN(bumped, tx->BumpRecentEvent(incident_id, kind, now - kHourMs, now, 1));
  }
  if (!bumped) {
    model::Event event;
    event.incident_id = incident_id;
    event.at = event.last_at = now;
    event.kind = kind;
    event.actor = "telegram";
    event.note = std::move(note);
    QUELL_ASSIGN_OR_RETURN(int64_t id, tx->AppendEvent(event));
    (void)id;
  }
  return tx->Commit();
}

}  // namespace quell::notify
