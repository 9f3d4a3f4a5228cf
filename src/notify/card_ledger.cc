#include "notify/card_ledger.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <sstream>

#include "common/hash.h"
#include "notify/telegram_card_store.h"

namespace quell::notify {
namespace {

constexpr std::string_view kSending = "sending";
constexpr std::string_view kUnconfirmed = "unconfirmed";
constexpr std::string_view kAgain = "again";

std::optional<int64_t> ParseInt(const std::string& text) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

std::string DefaultOwner() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || !host[0]) std::snprintf(host, sizeof host, "?");
  // The random part tells apart two processes that share a host name and pid (containers).
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + RandomHex(4);
}

std::string Claimed(std::string_view what, TimeMs started_at, const std::string& owner) {
  return std::string(what) + " " + std::to_string(started_at) + " " + owner;
}

std::string Recorded(const CardRecord& card) {
  std::string text = std::to_string(card.message_id) + " " + card.hash;
  if (card.again) text += " " + std::string(kAgain);
  return text;
}

}  // namespace

CardState ParseCardState(std::optional<std::string> raw) {
  CardState state;
  if (!raw) return state;
  std::istringstream words(*raw);
  std::string first, second, third;
  words >> first >> second >> third;
  state.raw = std::move(raw);
  if (first == kSending || first == kUnconfirmed) {
    auto started = ParseInt(second);
    if (!started) return state;
    state.sending = first == kSending;
    state.unconfirmed = !state.sending;
    state.started_at = *started;
    return state;
  }
  auto message_id = ParseInt(first);
  if (!message_id) return state;
  state.card = CardRecord{*message_id, second, third == kAgain};
  return state;
}

CardLedger::CardLedger(store::Store& store, TimeMs claim_ttl_ms, std::string owner)
    : store_(store),
      claim_ttl_ms_(claim_ttl_ms),
      owner_(owner.empty() ? DefaultOwner() : std::move(owner)) {}

Result<CardState> CardLedger::Read(int64_t incident_id, int64_t chat_id) {
  QUELL_ASSIGN_OR_RETURN(auto raw, store_.GetSetting(CardKey(incident_id, chat_id)));
  return ParseCardState(std::move(raw));
}

TimeMs CardLedger::LiveFor(const CardState& state, TimeMs now) const {
  if (!state.sending) return 0;
  return std::max<TimeMs>(0, state.started_at + claim_ttl_ms_ - now);
}

Result<std::optional<SendClaim>> CardLedger::Claim(int64_t incident_id, int64_t chat_id,
                                                   const CardState& state, TimeMs now) {
  SendClaim claim;
  claim.incident_id = incident_id;
  claim.chat_id = chat_id;
  claim.started_at = now;
  claim.value = Claimed(kSending, now, owner_);
  claim.before = state.raw;
  // A dead claim or an unconfirmed send may have posted a card; a replacement stays one.
  claim.again = state.sending || state.unconfirmed || (state.card && state.card->again);
  QUELL_ASSIGN_OR_RETURN(bool taken,
                         store_.SwapSetting(CardKey(incident_id, chat_id), state.raw,
                                            claim.value));
  if (!taken) return std::optional<SendClaim>();
  return std::optional<SendClaim>(std::move(claim));
}

Result<bool> CardLedger::Sent(const SendClaim& claim, const CardRecord& card) {
  return store_.SwapSetting(CardKey(claim.incident_id, claim.chat_id), claim.value,
                            Recorded(card));
}

Status CardLedger::Unsent(const SendClaim& claim) {
  // Restoring a dead or unconfirmed claim keeps what it tells: that a card may be out there.
  auto put_back = store_.SwapSetting(CardKey(claim.incident_id, claim.chat_id),
                                     claim.value, claim.before);
  return put_back ? Status::Ok() : put_back.error();
}

Status CardLedger::Unconfirmed(const SendClaim& claim) {
  auto marked = store_.SwapSetting(CardKey(claim.incident_id, claim.chat_id), claim.value,
                                   Claimed(kUnconfirmed, claim.started_at, owner_));
  return marked ? Status::Ok() : marked.error();
}

Result<bool> CardLedger::Update(int64_t incident_id, int64_t chat_id, const CardState& state,
                                const CardRecord& card) {
  return store_.SwapSetting(CardKey(incident_id, chat_id), state.raw, Recorded(card));
}

}  // namespace quell::notify
