// Where the Telegram cards of an incident are remembered: one setting per incident and chat,
// "telegram.card:<incident>:<chat>" (CardLedger says what it holds), shared by the
// notifier (which edits every card of an incident: the configured chats', and the direct
// messages and other chats an escalation step sent it to) and the pager. Internal to notify.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/incident.h"
#include "notify/telegram_api.h"
#include "notify/telegram_card.h"
#include "store/store.h"

namespace quell::notify {

// The setting's key; its value is read and changed through CardLedger (card_ledger.h).
std::string CardKey(int64_t incident_id, int64_t chat_id);
// What the chat shows, to skip edits that would change nothing.
std::string CardHash(const Card& card);
// The chats that hold a card of the incident, from the stored keys.
Result<std::vector<int64_t>> ChatsWithCard(store::Store& store, int64_t incident_id);
// "Telegram sendMessage: 403 Forbidden: ...".
std::string DescribeReply(std::string_view method, const TelegramReply& reply);
// A timeline entry by actor "telegram", in its own transaction. With `collapse`, counted on
// the same kind's entry of the last hour when there is one (a send that keeps getting no
// answer is one story, not one entry per try).
Status RecordTelegramEvent(store::Store& store, int64_t incident_id, model::EventKind kind,
                           TimeMs now, std::string note, bool collapse = false);

}  // namespace quell::notify
