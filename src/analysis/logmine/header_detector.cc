#include "analysis/logmine/header_detector.h"

#include <array>

namespace quell::analysis::logmine {
namespace {

// Only the first tokens can be header; a message never starts this late.
constexpr int kMaxHeaderTokens = 12;

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsSpace(char c) { return c == ' ' || c == '\t'; }

bool HasDigit(std::string_view s) {
  for (char c : s) {
    if (IsDigit(c)) return true;
  }
  return false;
}

bool IsOneOf(std::string_view token, const auto& words) {
  for (std::string_view w : words) {
    if (token == w) return true;
  }
  return false;
}

bool IsMonthOrWeekday(std::string_view t) {
  static constexpr std::array<std::string_view, 19> kNames = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
      "Nov", "Dec", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  return IsOneOf(t, kNames);
}

// Level words, bare or in brackets/with a trailing colon: INFO, [WARN], error:.
bool IsLevel(std::string_view t) {
  while (!t.empty() && (t.front() == '[' || t.front() == '<')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ']' || t.back() == '>' || t.back() == ':')) t.remove_suffix(1);
  static constexpr std::array<std::string_view, 26> kLevels = {
      "TRACE", "DEBUG", "INFO",  "NOTICE", "WARN",  "WARNING", "ERROR", "ERR",   "FATAL",
      "CRITICAL", "CRIT", "SEVERE", "ALERT", "EMERG", "trace",  "debug", "info",  "notice",
      "warn",  "warning", "error", "fatal", "critical", "V", "I", "W"};
  if (IsOneOf(t, kLevels)) return true;
  return t == "D" || t == "E" || t == "F";  // Android single-letter levels
}

// A bracketed token: [main], [QuorumPeer[myid=1]/0:0:0:0:2181:Election@774].
bool IsBracketed(std::string_view t) {
  return t.size() >= 2 && t.front() == '[' && (t.back() == ']' || t.back() == ':');
}

// "component:" or "prog[pid]:" or "sshd(pam_unix)[19939]:": an identifier ending with ':'.
bool IsComponentTag(std::string_view t) {
  if (t.size() < 2 || t.back() != ':') return false;
  t.remove_suffix(1);
  if (t.back() == ':') return false;
  for (char c : t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '.' ||
              c == '_' || c == '$' || c == '-' || c == '/' || c == '(' || c == ')' || c == '[' ||
              c == ']' || c == '@';
    if (!ok) return false;
  }
  return true;
}

// A plain host name: letters, digits, '.', '-', '_' and no ':'.
bool IsHostName(std::string_view t) {
  if (t.empty()) return false;
  for (char c : t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '.' ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Tokens that are header by themselves: timestamps, dates, numbers, ids with digits, levels.
bool IsHeaderToken(std::string_view t) {
  if (t == "-" || t == "|" || t == "--") return true;
  if (IsMonthOrWeekday(t) || IsLevel(t) || IsBracketed(t)) return true;
  // Timestamps, dates, pids, node ids (R02-M1-N0, node-246, dn228): anything with a digit that
  // does not end like a message word (a trailing ':' marks a component tag instead).
  return HasDigit(t) && t.back() != ':' && t.find('=') == std::string_view::npos;
}

}  // namespace

size_t DetectHeaderLength(std::string_view line) {
  struct Token {
    size_t begin;
    std::string_view text;
  };
  std::array<Token, kMaxHeaderTokens + 2> tokens{};
  int count = 0;
  size_t i = 0;
  while (i < line.size() && count < static_cast<int>(tokens.size())) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i >= line.size()) break;
    size_t begin = i;
    while (i < line.size() && !IsSpace(line[i])) ++i;
    tokens[static_cast<size_t>(count++)] = {begin, line.substr(begin, i - begin)};
  }
  auto start_of = [&](int k) { return k < count ? tokens[static_cast<size_t>(k)].begin : line.size(); };

  int k = 0;
  bool saw_header = false;
  bool saw_time = false;
  while (k < count && k < kMaxHeaderTokens) {
    std::string_view t = tokens[static_cast<size_t>(k)].text;
    if (saw_header && IsComponentTag(t)) return start_of(k + 1);
    // A bracketed name with spaces: "[RMCommunicator Allocator]".
    if (t.size() > 1 && t.front() == '[' && t.find(']') == std::string_view::npos) {
      int close = k + 1;
      while (close < count && close < k + 4 &&
             tokens[static_cast<size_t>(close)].text.back() != ']') {
        ++close;
      }
      if (close < count && close < k + 4) {
        saw_header = true;
        k = close + 1;
        continue;
      }
    }
    if (IsHeaderToken(t)) {
      saw_header = true;
      saw_time |= t.find(':') != std::string_view::npos && HasDigit(t);
      ++k;
      continue;
    }
    // syslog: "<time> host prog[pid]: message".
    if (saw_time && k + 1 < count && IsHostName(t) &&
        IsComponentTag(tokens[static_cast<size_t>(k + 1)].text)) {
      return start_of(k + 2);
    }
    break;
  }
  if (!saw_header) return 0;
  // A header that covers the whole line leaves the line as its own message.
  return k >= count ? 0 : start_of(k);
}

}  // namespace quell::analysis::logmine
