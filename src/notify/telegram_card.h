// The Telegram incident card: one HTML message per incident, kept current by edits, with the
// buttons that fit the incident's state. Pure functions, no I/O.
//
// Telegram's HTML parse mode needs only &, <, > (and " in attributes) escaped. A message may
// hold 4096 characters after entity parsing; the card budgets its raw HTML in UTF-16 code units
// (never fewer than the parsed text), so it always fits, and truncates inside a text value, never
// inside a tag or an entity. Invalid UTF-8 becomes U+FFFD: Telegram rejects it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "model/analysis.h"
#include "model/incident.h"

namespace quell::notify {

inline constexpr size_t kTelegramTextLimit = 4096;
inline constexpr size_t kCallbackDataLimit = 64;  // bytes

struct CardInput {
  model::Incident incident;
  std::optional<model::Analysis> analysis;  // the primary analysis, when there is one
  std::string incident_url;                 // dashboard link, or empty
  TimeMs now = 0;
  // The silences by matchers that silence it (Engine::SilencedBy), when the caller knows.
  std::vector<std::string> silenced_by;
  // Sent again because an earlier send of this card was not confirmed (CardLedger): the card
  // says so, since the chat may show the earlier copy too.
  bool sent_again = false;
};

struct Button {
  std::string text;
  std::string data;  // callback_data: "<verb>:<incident id>[:<arg>]"
};

struct Card {
  std::string html;
  std::vector<std::vector<Button>> keyboard;  // rows of buttons
  bool silent = false;  // disable_notification: low severities and silenced incidents
};

Card RenderCard(const CardInput& input, size_t limit = kTelegramTextLimit);
// What an orphan copy of an incident's card becomes (a copy whose send was not confirmed, so
// the card was sent again): a short pointer to the current card, without buttons.
Card SupersededCard(int64_t incident_id);

// Escapes for Telegram HTML (text and attribute values); invalid UTF-8 becomes U+FFFD.
std::string EscapeHtml(std::string_view text);
// The escaped text cut to at most `max_units` UTF-16 code units, ending in "…" when cut.
std::string EscapeHtmlTruncated(std::string_view text, size_t max_units);
// Length as Telegram counts it, in UTF-16 code units.
size_t Utf16Length(std::string_view utf8);

// Button presses. Verbs: ack, unack, res, reo (reopen), sil (silence; arg = seconds), unsil;
// "Silence like this…": slm (show the durations), sll (create it; arg = seconds, one of
// SilenceLikeThisSeconds), slx (back to the card).
struct CallbackData {
  std::string verb;
  int64_t incident_id = 0;
  std::string arg;
};
std::string FormatCallbackData(const CallbackData& data);
// nullopt unless "<verb>:<id>[:<arg>]" with a known verb, a positive id, at most 64 bytes;
// for sll, an arg of SilenceLikeThisSeconds.
std::optional<CallbackData> ParseCallbackData(std::string_view text);

// The durations "Silence like this…" offers, in seconds: 1h, 4h, 1d.
inline constexpr int64_t kSilenceLikeThisSeconds[] = {3600, 4 * 3600, 24 * 3600};
// The keyboard a press on "Silence like this…" shows in place of the card's: one button per
// duration, and one back to the card.
std::vector<std::vector<Button>> SilenceLikeThisMenu(int64_t incident_id);
// The duration of an sll press's arg (nullopt unless one of kSilenceLikeThisSeconds).
std::optional<TimeMs> SilenceLikeThisDuration(std::string_view arg);

}  // namespace quell::notify
