#include "notify/telegram_card.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "common/text.h"
#include "common/time_format.h"

namespace quell::notify {
namespace {

constexpr std::string_view kEllipsis = "…";
constexpr const char* kSentAgainLine = "Sent again: an earlier send was not confirmed";

// Decodes one code point at `i` (advancing it); invalid sequences yield U+FFFD for one byte.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  const int extra = b0 >= 0xF0 && b0 <= 0xF4   ? 3
                    : b0 >= 0xE0 && b0 < 0xF0 ? 2
                    : b0 >= 0xC2 && b0 < 0xE0 ? 1
                                              : -1;
  if (extra < 0 || i + static_cast<size_t>(extra) >= s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = b0 & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid too.
  if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return 0xFFFD;
  }
  i += static_cast<size_t>(extra) + 1;
  return cp;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The escaped form of one code point, appended; returns its UTF-16 length.
size_t AppendEscaped(std::string& out, char32_t cp) {
  if (const std::string_view entity = HtmlEntity(cp); !entity.empty()) {
    out += entity;
    return entity.size();
  }
  AppendUtf8(out, cp);
  return cp >= 0x10000 ? 2 : 1;
}

std::string FormatTime(TimeMs t) {
  if (t <= 0) return "—";
  std::string iso = FormatRfc3339(t);  // 2026-11-24T05:12:02.793Z
  return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

std::string_view SeverityIcon(const model::Incident& incident) {
  using model::IncidentStatus;
  using model::Severity;
  if (incident.status == IncidentStatus::kResolved) return "✅";
  if (incident.status == IncidentStatus::kAcknowledged) return "👀";
  switch (incident.severity) {
    case Severity::kCritical: return "🔴";
    case Severity::kHigh: return "🟠";
    case Severity::kMedium: return "🟡";
    case Severity::kLow: return "🔵";
    default: return "⚪";
  }
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// One part of the card: fixed HTML around a text value that is escaped and may be cut.
struct Piece {
  std::string before;  // raw HTML
  std::string text;    // plain text
  std::string after;   // raw HTML
  size_t cap;          // most UTF-16 units the text may take
};

std::string StatusLine(const model::Incident& i) {
  switch (i.status) {
    case model::IncidentStatus::kTriggered: return "Triggered";
    case model::IncidentStatus::kAcknowledged:
      return "Acknowledged" + (i.acked_by.empty() ? "" : " by " + i.acked_by);
    case model::IncidentStatus::kResolved:
      return "Resolved" + (i.resolved_by.empty() ? "" : " by " + i.resolved_by);
  }
  return "";
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::vector<Piece> Pieces(const CardInput& in) {
  const model::Incident& i = in.incident;
  std::vector<Piece> p;
  std::string severity = Upper(model::SeverityName(i.severity));
  p.push_back({std::string(SeverityIcon(i)) + " <b>[" + severity + "] ",
               i.title.empty() ? "Incident #" + std::to_string(i.id) : i.title, "</b>\n", 300});
  p.push_back({"<b>Status:</b> ", StatusLine(i), "\n", 200});
  if (in.sent_again) p.push_back({"↪️ ", kSentAgainLine, "\n", 100});
  if (i.silenced_until > in.now && i.status != model::IncidentStatus::kResolved)
    p.push_back({"🔕 ", "Silenced until " + FormatTime(i.silenced_until), "\n", 100});
  if (!in.silenced_by.empty() && i.status != model::IncidentStatus::kResolved)
    p.push_back({"🔕 ", "Silenced by silence " + Join(in.silenced_by, ", "), "\n", 200});
  if (i.escalated_at > 0 && i.status == model::IncidentStatus::kTriggered)
    p.push_back({"⏫ ", "Escalated at " + FormatTime(i.escalated_at) + ": nobody has acknowledged it",
                 "\n", 120});
  if (i.flapping) p.push_back({"⚠️ ", "Flapping: notifications stay quiet", "\n", 100});
  p.push_back({"<b>Services:</b> ", Join(i.services, ", ") + (i.environment.empty() ? "" : " (" + i.environment + ")"), "\n", 400});
  p.push_back({"<b>Alerts:</b> ",
               std::to_string(i.alert_count) + " (" + std::to_string(i.firing_count) + " firing)",
               "\n", 100});
  p.push_back({"<b>First seen:</b> ", FormatTime(i.opened_at) + " · last " + FormatTime(i.last_alert_at),
               "\n", 100});
  if (in.analysis && !in.analysis->root_cause.empty()) {
    const model::Analysis& a = *in.analysis;
    int percent = static_cast<int>(std::lround(std::clamp(a.confidence, 0.0, 1.0) * 100));
    p.push_back({"\n<b>Root cause</b> (" + EscapeHtml(a.analyzer) + ", " + std::to_string(percent) +
                     "% confidence): ",
                 a.root_cause, "\n", 800});
    if (!a.impact.empty()) p.push_back({"<b>Impact:</b> ", a.impact, "\n", 500});
    size_t n = 0;
    for (const auto& action : a.recommended_actions) {
      if (++n > 3) break;  // the top actions; the dashboard has the rest
      p.push_back({n == 1 ? "<b>Actions:</b>\n" + std::to_string(n) + ". " : std::to_string(n) + ". ",
                   action, "\n", 300});
    }
  }
  return p;
}

std::string Footer(const CardInput& in) {
  std::string tag = "#incident" + std::to_string(in.incident.id);
  if (in.incident_url.empty()) return "\n" + tag;
  return "\n<a href=\"" + EscapeHtml(in.incident_url) + "\">Open in Quell</a> · " + tag;
}

Button MakeButton(std::string text, int64_t incident_id, std::string verb, std::string arg = "") {
  return Button{std::move(text),
                FormatCallbackData({std::move(verb), incident_id, std::move(arg)})};
}

std::vector<std::vector<Button>> Keyboard(const CardInput& in) {
  const model::Incident& i = in.incident;
  auto button = [&](std::string text, std::string verb, std::string arg = "") {
    return MakeButton(std::move(text), i.id, std::move(verb), std::move(arg));
  };
  std::vector<std::vector<Button>> rows;
  switch (i.status) {
    case model::IncidentStatus::kTriggered:
      rows = {{button("✅ Acknowledge", "ack"), button("✔️ Resolve", "res"),
               i.silenced_until > in.now ? button("🔔 Unsilence", "unsil")
                                         : button("🔕 Silence 1h", "sil", "3600")}};
      break;
    case model::IncidentStatus::kAcknowledged:
      rows = {{button("✔️ Resolve", "res"), button("↩️ Unacknowledge", "unack")}};
      break;
    case model::IncidentStatus::kResolved:
      return {{button("🔁 Reopen", "reo")}};
  }
  if (in.silenced_by.empty()) rows.push_back({button("🔇 Silence like this…", "slm")});
  return rows;
}

std::string DurationLabel(int64_t seconds) {
  return seconds % (24 * 3600) == 0 ? std::to_string(seconds / (24 * 3600)) + "d"
                                    : std::to_string(seconds / 3600) + "h";
}

}  // namespace

size_t Utf16Length(std::string_view utf8) {
  size_t units = 0;
  for (size_t i = 0; i < utf8.size();) units += NextCodePoint(utf8, i) >= 0x10000 ? 2 : 1;
  return units;
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) AppendEscaped(out, NextCodePoint(text, i));
  return out;
}

std::string EscapeHtmlTruncated(std::string_view text, size_t max_units) {
  std::string out;
  size_t units = 0;
  const size_t reserve = Utf16Length(kEllipsis);
  size_t cut_at = std::string::npos;  // where the text ends if it must be cut
  for (size_t i = 0; i < text.size();) {
    std::string piece;
    size_t n = AppendEscaped(piece, NextCodePoint(text, i));
    if (cut_at == std::string::npos && units + n + reserve > max_units) cut_at = out.size();
    if (units + n > max_units) {
      out.resize(cut_at);
      if (max_units >= reserve) out += kEllipsis;
      return out;
    }
    out += piece;
    units += n;
  }
  return out;
}

Card RenderCard(const CardInput& in, size_t limit) {
  Card card;
  const std::string footer = Footer(in);
  const size_t budget = limit > Utf16Length(footer) ? limit - Utf16Length(footer) : 0;
  size_t used = 0;
  for (const Piece& piece : Pieces(in)) {
    const size_t frame = Utf16Length(piece.before) + Utf16Length(piece.after);
    if (used + frame + Utf16Length(kEllipsis) > budget) break;
    const size_t room = std::min(piece.cap, budget - used - frame);
    std::string text = EscapeHtmlTruncated(piece.text, room);
    card.html += piece.before + text + piece.after;
    used += frame + Utf16Length(text);
    if (room < piece.cap && Utf16Length(EscapeHtml(piece.text)) > room) break;  // out of room
  }
  card.html += footer;
  card.keyboard = Keyboard(in);
  const auto severity = in.incident.severity;
  card.silent = severity == model::Severity::kLow || severity == model::Severity::kInfo ||
                severity == model::Severity::kUnknown || in.incident.silenced_until > in.now ||
                !in.silenced_by.empty();
  return card;
}

Card SupersededCard(int64_t incident_id) {
  const std::string tag = "#incident" + std::to_string(incident_id);
  return Card{"↪️ <b>Superseded</b> · " + tag +
                  "\nQuell could not confirm this card and sent it again: the current card of " +
                  tag + " is the one that says \"" + kSentAgainLine + "\".",
              {},
              true};
}

std::string FormatCallbackData(const CallbackData& data) {
  std::string out = data.verb + ":" + std::to_string(data.incident_id);
  if (!data.arg.empty()) out += ":" + data.arg;
  return out;
}

std::optional<CallbackData> ParseCallbackData(std::string_view text) {
  if (text.empty() || text.size() > kCallbackDataLimit) return std::nullopt;
  CallbackData out;
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  out.verb = std::string(text.substr(0, colon));
  static constexpr std::string_view kVerbs[] = {"ack",   "unack", "res", "reo", "sil",
                                                "unsil", "slm",   "sll", "slx"};
  if (std::find(std::begin(kVerbs), std::end(kVerbs), out.verb) == std::end(kVerbs))
    return std::nullopt;
  std::string_view rest = text.substr(colon + 1);
  size_t second = rest.find(':');
  std::string_view id = rest.substr(0, second);
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), out.incident_id);
  if (ec != std::errc() || end != id.data() + id.size() || out.incident_id <= 0) return std::nullopt;
  if (second != std::string_view::npos) out.arg = std::string(rest.substr(second + 1));
  if (out.verb == "sll" && !SilenceLikeThisDuration(out.arg)) return std::nullopt;
  return out;
}

std::optional<TimeMs> SilenceLikeThisDuration(std::string_view arg) {
  for (int64_t seconds : kSilenceLikeThisSeconds)
    if (arg == std::to_string(seconds)) return seconds * kSecondMs;
  return std::nullopt;
}

std::vector<std::vector<Button>> SilenceLikeThisMenu(int64_t incident_id) {
  std::vector<Button> durations;
  for (int64_t seconds : kSilenceLikeThisSeconds)
    durations.push_back(
        MakeButton("🔇 " + DurationLabel(seconds), incident_id, "sll", std::to_string(seconds)));
  return {durations, {MakeButton("↩️ Back", incident_id, "slx")}};
}

}  // namespace quell::notify
