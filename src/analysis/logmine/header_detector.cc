#include "analysis/logmine/header_detector.h"

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>

#include "analysis/logmine/token_scan.h"

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
      "TRACE",    "DEBUG",   "INFO",   "NOTICE", "WARN",     "WARNING", "ERROR", "ERR",  "FATAL",
      "CRITICAL", "CRIT",    "SEVERE", "ALERT",  "EMERG",    "trace",   "debug", "info", "notice",
      "warn",     "warning", "error",  "fatal",  "critical", "V",       "I",     "W"};
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
  auto start_of = [&](int k) {
    return k < count ? tokens[static_cast<size_t>(k)].begin : line.size();
  };

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

// ---------------------------------------------------------------------------------------------
// Learned profiles.

namespace {

constexpr int kMaxJoinedTokens = 6;  // a bracketed group spans at most this many extra tokens

struct Span {
  size_t begin = 0;
  size_t end = 0;
};

// The bracket that closes `open`, or 0 when `open` opens none. A table: this runs on the first
// character of every header token, where a switch's jump mispredicts.
constexpr std::array<char, 256> kClosers = [] {
  std::array<char, 256> t{};
  t['['] = ']';
  t['('] = ')';
  t['<'] = '>';
  t['{'] = '}';
  return t;
}();
char CloserOf(char open) { return kClosers[static_cast<unsigned char>(open)]; }

int Balance(std::string_view t, char open, char close) {
  int depth = 0;
  for (char c : t) depth += c == open ? 1 : c == close ? -1 : 0;
  return depth;
}

// Cuts the header token that starts at or after *pos and moves *pos past it; false at the end
// of the line. Tokens are whitespace-separated, except that a token opening a bracket it does not
// close extends over the following tokens until the bracket closes ("[RMCommunicator
// Allocator]", "[10/Oct/2000:13:55:36 -0700]").
bool NextHeaderToken(std::string_view line, size_t* pos, Span* out) {
  size_t i = *pos;
  const size_t size = line.size();
  while (i < size && IsSpace(line[i])) ++i;
  if (i >= size) return false;
  const size_t begin = i;
  while (i < size && !IsSpace(line[i])) ++i;
  if (const char close = CloserOf(line[begin]); close != 0) {
    int depth = Balance(line.substr(begin, i - begin), line[begin], close);
    size_t j = i;
    for (int joined = 0; depth > 0 && joined < kMaxJoinedTokens; ++joined) {
      while (j < size && IsSpace(line[j])) ++j;
      if (j >= size) break;
      const size_t tb = j;
      while (j < size && !IsSpace(line[j])) ++j;
      depth += Balance(line.substr(tb, j - tb), line[begin], close);
    }
    if (depth <= 0) i = j;
  }
  *out = {begin, i};
  *pos = i;
  return true;
}

// The first `max` header tokens of `line`.
int HeaderTokens(std::string_view line, Span* out, int max) {
  int n = 0;
  size_t pos = 0;
  while (n < max && NextHeaderToken(line, &pos, &out[n])) ++n;
  return n;
}

constexpr bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr char Lower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsLower(std::string_view t, std::string_view lower) {
  if (t.size() != lower.size()) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (Lower(t[i]) != lower[i]) return false;
  }
  return true;
}

// Capitalised or all capitals, as names of months and levels are written ("Jun", "JUN", not
// "jun", which is more often a word) -- levels are also accepted in lower case.
bool CapitalisedOrUpper(std::string_view t) {
  if (t.empty() || !IsUpper(t[0])) return false;
  bool all_upper = true, rest_lower = true;
  for (size_t i = 1; i < t.size(); ++i) {
    all_upper &= IsUpper(t[i]);
    rest_lower &= !IsUpper(t[i]);
  }
  return all_upper || rest_lower;
}

bool IsLevelWord(std::string_view t) {
  if (t.size() == 1) {
    return t[0] == 'V' || t[0] == 'D' || t[0] == 'I' || t[0] == 'W' || t[0] == 'E' || t[0] == 'F';
  }
  // Most words are rejected by their first letter, before any comparison.
  constexpr auto kInitials = [] {
    uint32_t bits = 0;
    for (char c : std::string_view("tdinwefcsapv")) bits |= uint32_t{1} << (c - 'a');
    return bits;
  }();
  if (t.empty()) return false;
  const char initial = Lower(t[0]);
  if (initial < 'a' || initial > 'z' || ((kInitials >> (initial - 'a')) & 1) == 0) return false;
  if (!CapitalisedOrUpper(t) && !(t[0] >= 'a' && t[0] <= 'z')) return false;
  // trace debug info notice warn warning error err fatal critical crit severe alert emerg panic
  // emergency fine finer finest verbose, grouped by length (this runs for most header words).
  switch (t.size()) {
    case 3:
      return EqualsLower(t, "err");
    case 4:
      return EqualsLower(t, "info") || EqualsLower(t, "warn") || EqualsLower(t, "crit") ||
             EqualsLower(t, "fine");
    case 5:
      return EqualsLower(t, "trace") || EqualsLower(t, "debug") || EqualsLower(t, "error") ||
             EqualsLower(t, "fatal") || EqualsLower(t, "alert") || EqualsLower(t, "emerg") ||
             EqualsLower(t, "panic") || EqualsLower(t, "finer");
    case 6:
      return EqualsLower(t, "notice") || EqualsLower(t, "severe") || EqualsLower(t, "finest");
    case 7:
      return EqualsLower(t, "warning") || EqualsLower(t, "verbose");
    case 8:
      return EqualsLower(t, "critical");
    case 9:
      return EqualsLower(t, "emergency");
    default:
      return false;
  }
}

// Three characters lower-cased and packed into an int (`| 0x20` lower-cases a letter, and maps
// no other character onto a lower-case letter, so packed names compare as EqualsLower would).
constexpr uint32_t PackLower3(std::string_view t) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(t[0]) | 0x20) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(t[1]) | 0x20) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(t[2]) | 0x20);
}

bool IsCalendarName(std::string_view t) {
  // The three-letter names, most of those asked, are compared packed, without a loop that exits
  // early.
  static constexpr std::array<uint32_t, 19> kShortNames = {
      PackLower3("jan"), PackLower3("feb"), PackLower3("mar"), PackLower3("apr"), PackLower3("may"),
      PackLower3("jun"), PackLower3("jul"), PackLower3("aug"), PackLower3("sep"), PackLower3("oct"),
      PackLower3("nov"), PackLower3("dec"), PackLower3("mon"), PackLower3("tue"), PackLower3("wed"),
      PackLower3("thu"), PackLower3("fri"), PackLower3("sat"), PackLower3("sun")};
  static constexpr std::array<std::string_view, 18> kLongNames = {
      "january", "february",  "march",    "april",    "june",     "july",
      "august",  "september", "october",  "november", "december", "monday",
      "tuesday", "wednesday", "thursday", "friday",   "saturday", "sunday"};
  // Most words are rejected by their first letter (a d f j m n o s t w start the names).
  constexpr auto kInitials = [] {
    uint32_t bits = 0;
    for (char c : std::string_view("adfjmnostw")) bits |= uint32_t{1} << (c - 'a');
    return bits;
  }();
  if (t.size() < 3) return false;
  const char initial = Lower(t[0]);
  if (initial < 'a' || initial > 'z' || ((kInitials >> (initial - 'a')) & 1) == 0) return false;
  if (!CapitalisedOrUpper(t)) return false;
  if (t.size() == 3) {
    const uint32_t key = PackLower3(t);
    bool found = false;
    for (uint32_t name : kShortNames) found |= key == name;
    return found;
  }
  for (std::string_view name : kLongNames) {
    if (EqualsLower(t, name)) return true;
  }
  return false;
}

// Digits in at least two groups joined by date/time punctuation, an ISO 'T' between digits and
// an optional final 'Z': 2015-10-18, 18:01:47,978, 2024-05-01T12:00:01.5+02:00, 17/06/09.
enum TimeCharClass : uint8_t { kTimeOther, kTimeDigit, kTimePunct };
constexpr std::array<uint8_t, 256> kTimeChars = [] {
  std::array<uint8_t, 256> t{};
  for (char c = '0'; c <= '9'; ++c) t[static_cast<uint8_t>(c)] = kTimeDigit;
  for (char c : std::string_view(":.,-/+_")) t[static_cast<uint8_t>(c)] = kTimePunct;
  return t;
}();

bool IsTimeLike(std::string_view t) {
  int groups = 0;
  bool in_digits = false;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    const uint8_t kind = kTimeChars[static_cast<uint8_t>(c)];
    if (kind == kTimeDigit) {
      groups += in_digits ? 0 : 1;
      in_digits = true;
      continue;
    }
    const bool after_digit = in_digits;
    in_digits = false;
    if (kind == kTimePunct) continue;
    if (c == 'T' && after_digit && i + 1 < t.size() && IsDigit(t[i + 1])) continue;
    if (c == 'Z' && after_digit && i + 1 == t.size()) continue;
    return false;
  }
  return groups >= 2;
}

bool IsNumber(std::string_view t) {
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.remove_prefix(1);
  if (t.empty()) return false;
  for (char c : t) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// UTC, GMT, CEST, PDT, Z (only right after a time); +0200 / -0700.
bool IsZone(std::string_view t) {
  if (t == "Z" || t == "UTC" || t == "GMT") return true;
  if (t.size() == 5 && (t[0] == '+' || t[0] == '-') && IsNumber(t.substr(1))) return true;
  if (t.size() < 3 || t.size() > 5 || t.back() != 'T') return false;
  for (char c : t) {
    if (!IsUpper(c)) return false;
  }
  return true;
}

constexpr bool IsTagChar(char c) {
  return IsLetter(c) || IsDigit(c) || c == '.' || c == '_' || c == '$' || c == '-' || c == '/' ||
         c == '(' || c == ')' || c == '[' || c == ']' || c == '@' || c == '#' || c == ':';
}

constexpr uint32_t Bit(HeaderKind k) { return 1u << static_cast<unsigned>(k); }

constexpr uint32_t kStrongKinds =
    Bit(HeaderKind::kNumber) | Bit(HeaderKind::kTime) | Bit(HeaderKind::kCalendar) |
    Bit(HeaderKind::kZone) | Bit(HeaderKind::kLevel) | Bit(HeaderKind::kSeparator) |
    Bit(HeaderKind::kBracketed) | Bit(HeaderKind::kKeyValue) | Bit(HeaderKind::kId);

// Kinds that count together with a column's most frequent kind when deciding whether the column
// has one constant shape: a date column holds numbers and dates, a level column bare and
// bracketed levels and the odd severity word. "-" stands for a missing value in any column, and
// a column of "-" placeholders holds the odd label instead.
uint32_t ShapeFamilyOf(HeaderKind k) {
  const uint32_t own = Bit(k) | Bit(HeaderKind::kSeparator);
  switch (k) {
    case HeaderKind::kNumber:
      return own | Bit(HeaderKind::kTime);
    case HeaderKind::kTime:
      return own | Bit(HeaderKind::kNumber) | Bit(HeaderKind::kZone);
    case HeaderKind::kZone:
      return own | Bit(HeaderKind::kTime);
    case HeaderKind::kId:
      return own | Bit(HeaderKind::kNumber);
    case HeaderKind::kLevel:
      return own | Bit(HeaderKind::kBracketed) | Bit(HeaderKind::kWord);
    case HeaderKind::kBracketed:
      return own | Bit(HeaderKind::kLevel);
    case HeaderKind::kSeparator:
      return own | Bit(HeaderKind::kWord) | Bit(HeaderKind::kId);
    default:
      return own;
  }
}

// Names (hosts, components, types): words, ids and the odd level word ("node-1", "login",
// "error").
constexpr uint32_t kNameKinds = Bit(HeaderKind::kWord) | Bit(HeaderKind::kId) |
                                Bit(HeaderKind::kLevel) | Bit(HeaderKind::kSeparator);

// Kinds a header column accepts when splitting: its shape family, and any name in a name or id
// column (a node column's "UNKNOWN_LOCATION").
uint32_t AcceptedFamilyOf(HeaderKind k) {
  if (k == HeaderKind::kWord || k == HeaderKind::kId) return ShapeFamilyOf(k) | kNameKinds;
  return ShapeFamilyOf(k);
}

std::string_view KeyOf(std::string_view token) { return token.substr(0, token.find('=')); }

}  // namespace

std::string_view HeaderKindName(HeaderKind kind) {
  switch (kind) {
    case HeaderKind::kNumber:
      return "number (pid, epoch, sequence)";
    case HeaderKind::kTime:
      return "timestamp/date/address";
    case HeaderKind::kCalendar:
      return "month/weekday";
    case HeaderKind::kZone:
      return "time zone";
    case HeaderKind::kLevel:
      return "level";
    case HeaderKind::kSeparator:
      return "separator";
    case HeaderKind::kBracketed:
      return "bracketed (thread/component)";
    case HeaderKind::kKeyValue:
      return "key=value";
    case HeaderKind::kId:
      return "id (host/node)";
    case HeaderKind::kWord:
      return "name (host/component/type)";
    case HeaderKind::kTag:
      return "component tag";
    case HeaderKind::kOther:
      return "other";
    case HeaderKind::kCount:
      break;
  }
  return "?";
}

namespace {

// Character classes for ClassifyHeaderToken's single pass.
enum CharClass : uint8_t {
  kDigitChar = 1,
  kLetterChar = 2,
  kQuoteChar = 4,
  kNotTagChar = 8,  // not allowed in a component tag
  kEqualsChar = 16,
  kOpenSquareChar = 32,
  kBlankChar = 64,  // ' ' and '\t': ends a token
};

constexpr std::array<uint8_t, 256> MakeCharClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    uint8_t f = 0;
    if (IsDigit(ch)) f |= kDigitChar;
    if (IsLetter(ch)) f |= kLetterChar;
    if (ch == '"' || ch == '\'' || ch == '`') f |= kQuoteChar;
    if (!IsTagChar(ch)) f |= kNotTagChar;
    if (ch == '=') f |= kEqualsChar;
    if (ch == '[') f |= kOpenSquareChar;
    if (IsSpace(ch)) f |= kBlankChar;
    t[static_cast<size_t>(c)] = f;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kCharClasses = MakeCharClasses();

// Digits and letters counted with one addition per character: a digit adds 1 (low half), a
// letter 1 << 32 (high half).
constexpr std::array<uint64_t, 256> MakeCharCounts() {
  std::array<uint64_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    t[static_cast<size_t>(c)] = IsDigit(ch) ? 1 : IsLetter(ch) ? uint64_t{1} << 32 : 0;
  }
  return t;
}
constexpr std::array<uint64_t, 256> kCharCounts = MakeCharCounts();

// CutNext's tally of a token in one 64-bit sum, one table look-up and one addition per
// character: digits (bits 0-7), letters (8-15), ']' (16-23), the punctuation of times and dates
// (kTimePunct, 24-31), and the characters of four classes
// (8 bits each from bit 32: quotes, not-tag characters, '=', '['; the '[' field has 7 bits). A
// blank sets bit 63, which ends the token and is never added. Exact for tokens shorter than
// kMaxTallied (no field reaches its next); longer ones are counted again by StatsOf.
constexpr size_t kMaxTallied = 128;
constexpr int kTallyLetters = 8, kTallyCloseSquare = 16, kTallyTimePunct = 24;
constexpr int kTallyQuote = 32, kTallyNotTag = 40, kTallyEquals = 48, kTallyOpenSquare = 56;
constexpr uint64_t kTallyBlank = uint64_t{1} << 63;

constexpr std::array<uint64_t, 256> MakeCharTally() {
  std::array<uint64_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const uint8_t f = kCharClasses[static_cast<size_t>(c)];
    uint64_t v = kCharCounts[static_cast<size_t>(c)] & 0xff;
    v |= (kCharCounts[static_cast<size_t>(c)] >> 32) << kTallyLetters;
    if (c == ']') v |= uint64_t{1} << kTallyCloseSquare;
    if (kTimeChars[static_cast<size_t>(c)] == kTimePunct) v |= uint64_t{1} << kTallyTimePunct;
    if (f & kQuoteChar) v |= uint64_t{1} << kTallyQuote;
    if (f & kNotTagChar) v |= uint64_t{1} << kTallyNotTag;
    if (f & kEqualsChar) v |= uint64_t{1} << kTallyEquals;
    if (f & kOpenSquareChar) v |= uint64_t{1} << kTallyOpenSquare;
    if (f & kBlankChar) v = kTallyBlank;
    t[static_cast<size_t>(c)] = v;
  }
  return t;
}
constexpr std::array<uint64_t, 256> kCharTally = MakeCharTally();

// What ClassifyHeaderToken learns from one pass over a token's characters.
// No member initialisers, so that arrays of it are not cleared for every line: use `{}`.
struct TokenStats {
  size_t digits;
  size_t letters;
  size_t time_punct;  // characters of kTimePunct: : . , - / + _
  // The tally's class fields (bits 32-63 of kCharTally, shifted down): a field is non-zero when
  // the token holds a character of its class.
  uint32_t classes;
};
constexpr uint32_t kHasQuote = 0xffu << (kTallyQuote - 32);
constexpr uint32_t kHasNotTag = 0xffu << (kTallyNotTag - 32);
constexpr uint32_t kHasEquals = 0xffu << (kTallyEquals - 32);
constexpr uint32_t kHasOpenSquare = 0x7fu << (kTallyOpenSquare - 32);

// From CutNext's tally of a token shorter than kMaxTallied.
TokenStats StatsFromTally(uint64_t tally) {
  return {static_cast<size_t>(tally & 0xff), static_cast<size_t>((tally >> kTallyLetters) & 0xff),
          static_cast<size_t>((tally >> kTallyTimePunct) & 0xff),
          static_cast<uint32_t>(tally >> 32)};
}

// Any token, however long.
TokenStats StatsOf(std::string_view t) {
  TokenStats stats{};
  for (char c : t) {
    const uint64_t v = kCharTally[static_cast<unsigned char>(c)];
    if (v & kTallyBlank) continue;  // only inside a joined bracket group
    stats.digits += v & 0xff;
    stats.letters += (v >> kTallyLetters) & 0xff;
    stats.time_punct += (v >> kTallyTimePunct) & 0xff;
    stats.classes |= static_cast<uint32_t>(v >> 32);
  }
  return stats;
}

// IsTimeLike for a token without letters, from its counts: digits and time punctuation only,
// and a punctuation character between two digits (two groups), that is, inside the token once
// its leading and trailing punctuation is set aside.
bool IsTimeLikeCounted(std::string_view t, const TokenStats& stats) {
  if (stats.digits + stats.time_punct != t.size() || stats.digits == 0) return false;
  auto is_punct = [](char c) { return kTimeChars[static_cast<uint8_t>(c)] == kTimePunct; };
  size_t outer = 0;
  for (size_t i = 0; i < t.size() && is_punct(t[i]); ++i) ++outer;
  for (size_t i = t.size(); i > 0 && is_punct(t[i - 1]); --i) ++outer;
  return stats.time_punct > outer;
}

// ClassifyHeaderToken for a non-empty token whose characters have been counted.
// Inlined into MatchLine (its one caller on the hot path): the call's set-up was a tenth of it.
[[gnu::always_inline]] inline HeaderKind Classify(std::string_view t, HeaderKind previous,
                                                const TokenStats& stats) {
  const size_t digits = stats.digits, letters = stats.letters;
  const uint32_t classes = stats.classes;
  if (digits + letters == 0) return HeaderKind::kSeparator;
  // Bracketed: [main], <INFO>, (worker-1), [QuorumPeer[myid=1]/...], optionally followed by ':'.
  std::string_view core = t;
  if (core.size() > 1 && core.back() == ':') core.remove_suffix(1);
  if (const char close = CloserOf(core.front());
      close != 0 && core.size() >= 2 && core.back() == close) {
    std::string_view inner = core.substr(1, core.size() - 2);
    return inner.size() <= 9 && IsLevelWord(inner) ? HeaderKind::kLevel : HeaderKind::kBracketed;
  }
  const bool after_time = previous == HeaderKind::kTime || previous == HeaderKind::kNumber;
  if (digits == 0 && letters == core.size() && core.size() <= 9) {  // a short plain word
    if (IsLevelWord(core)) return HeaderKind::kLevel;
    if (after_time && IsZone(t)) return HeaderKind::kZone;
    if (IsCalendarName(core)) return HeaderKind::kCalendar;
  }
  if (letters <= 2 && digits > 0) {  // numbers, dates and times (letters: ISO 'T' and 'Z')
    // From the counts, without another pass. All digits: a number (no zone is). With a sign:
    // "+0200" after a time is a zone (IsZone without letters), else a number.
    if (letters == 0 && digits == t.size()) return HeaderKind::kNumber;
    if (letters == 0 && digits + 1 == t.size() && (t[0] == '-' || t[0] == '+')) {
      return after_time && digits == 4 ? HeaderKind::kZone : HeaderKind::kNumber;
    }
    if (letters == 0 ? IsTimeLikeCounted(t, stats) : IsTimeLike(t)) return HeaderKind::kTime;
  }
  if (classes & kHasQuote) return HeaderKind::kOther;
  // "component:" and "prog[pid]:" tags, and "file.cc:12]" (glog) close a header.
  const bool tag_chars = (classes & kHasNotTag) == 0;
  if (tag_chars && t.back() == ':' && core.back() != ':' && letters > 0) return HeaderKind::kTag;
  if (tag_chars && t.back() == ']' && (classes & kHasOpenSquare) == 0) return HeaderKind::kTag;
  if (classes & kHasEquals) {
    const size_t eq = t.find('=');
    bool key_ok = eq > 0 && IsLetter(t[0]);
    for (size_t i = 0; key_ok && i < eq; ++i) {
      key_ok = IsLetter(t[i]) || IsDigit(t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-';
    }
    return key_ok ? HeaderKind::kKeyValue : HeaderKind::kOther;
  }
  if (digits > 0) return HeaderKind::kId;
  return HeaderKind::kWord;
}

// The header tokens of one line (see NextHeaderToken), cut only as far as they are asked for:
// most lines are decided after a few tokens, so the rest of the line is never scanned. A plain
// token is counted for Classify in the same pass that finds its end.
template <size_t kCapacity>
class LazyHeaderTokens {
 public:
  explicit LazyHeaderTokens(std::string_view line) : line_(line) {}
  // Whether token k exists among the first `limit` tokens.
  bool Has(int k, int limit) {
    if (k >= limit) return false;
    while (cut_ <= k && CutNext()) ++cut_;
    return k < cut_;
  }
  Span operator[](int k) const { return {begin_[k], end_[k]}; }
  std::string_view Text(int k) const { return line_.substr(begin_[k], end_[k] - begin_[k]); }
  HeaderKind Kind(int k, HeaderKind previous) const {
    return Classify(Text(k), previous, stats_[static_cast<size_t>(k)]);
  }
  int cut() const { return cut_; }
  // Cuts the next token when it has one of `shapes` (HeaderProfile's plan) and sets *kind to
  // that shape's kind; false (nothing cut) when it has none of them.
  template <typename Shape>
  bool CutByShape(std::span<const Shape> shapes, bool after_time, HeaderKind* kind) {
    const size_t at = pos_;  // a shape starts with the blanks before its token
    for (const Shape& s : shapes) {
      if (s.after_time != after_time || !s.shape.MatchesAt(line_, at)) continue;
      const size_t k = static_cast<size_t>(cut_);
      begin_[k] = at + s.blanks;
      end_[k] = at + s.shape.length();
      pos_ = end_[k];
      ++cut_;
      *kind = s.kind;
      return true;
    }
    return false;
  }

 private:
  bool CutNext() {
    const size_t size = line_.size();
    size_t i = pos_;
    while (i < size && IsSpace(line_[i])) ++i;
    if (i >= size) return false;
    const size_t k = static_cast<size_t>(cut_);
    const size_t begin = i;
    uint64_t tally = 0;
    i = ScanToken(line_, i, kCharTally.data(), kTallyBlank, &tally,
                  [](uint64_t sum, uint64_t v) { return sum + v; });
    // A bracket left open joins the following tokens (NextHeaderToken, the general path); most
    // bracketed tokens close within themselves ("[main]", "[QuorumPeer[myid=1]/...]").
    // A '[' token's balance is in its tally; other brackets are rare enough to count.
    const char open = line_[begin];
    auto left_open = [&](char close) {
      if (open == '[' && i - begin < kMaxTallied) {
        return ((tally >> kTallyOpenSquare) & 0x7f) > ((tally >> kTallyCloseSquare) & 0xff);
      }
      return Balance(line_.substr(begin, i - begin), open, close) > 0;
    };
    if (const char close = CloserOf(open); close != 0 && left_open(close)) {
      Span s;
      NextHeaderToken(line_, &pos_, &s);
      begin_[k] = s.begin;
      end_[k] = s.end;
      stats_[k] = StatsOf(Text(cut_));
      return true;
    }
    begin_[k] = begin;
    end_[k] = i;
    stats_[k] = i - begin < kMaxTallied ? StatsFromTally(tally) : StatsOf(Text(cut_));
    pos_ = i;
    return true;
  }

  std::string_view line_;
  // Not std::array<Span>: its member initialisers would clear all of it for every line.
  size_t begin_[kCapacity];
  size_t end_[kCapacity];
  TokenStats stats_[kCapacity];
  size_t pos_ = 0;
  int cut_ = 0;
};

}  // namespace

HeaderKind ClassifyHeaderToken(std::string_view t, HeaderKind previous) {
  if (t.empty()) return HeaderKind::kOther;
  return Classify(t, previous, StatsOf(t));
}

// Learning state: every sample line's token kinds (and key=value keys) for the first columns.
struct HeaderProfile::Learner {
  Learner(const HeaderOptions& o, HeaderProfile* p) : options(o), profile(p) {}

  const HeaderOptions& options;
  HeaderProfile* profile;
  int max_columns = 0;
  size_t min_branch = 0;               // lines a branch needs
  std::vector<uint8_t> kinds;          // [line * max_columns + column], kCount = no token
  std::vector<std::string_view> keys;  // same layout, key=value keys
  std::vector<uint8_t> token_counts;   // per line: header tokens, at most max_columns + 1

  HeaderKind KindAt(uint32_t line, int k) const {
    return static_cast<HeaderKind>(
        kinds[line * static_cast<size_t>(max_columns) + static_cast<size_t>(k)]);
  }

  // How many of `lines` have a token at column k.
  double Reaching(const std::vector<uint32_t>& lines, int k) const {
    size_t count = 0;
    for (uint32_t line : lines) count += token_counts[line] > k ? 1 : 0;
    return static_cast<double>(count);
  }

  // The header of lines whose columns all have one shape each, up to `header` columns: up to
  // the last column whose kind only a header has (timestamps, levels, bracketed threads,
  // key=value, tags, separators); names and numbers after it are the statement's own, and so is
  // a level word after the level. Then shortened until it leaves a message on min_share of the
  // lines.
  int UniformHeader(const std::vector<uint32_t>& lines, int header) const {
    constexpr uint32_t kHeaderOnly = Bit(HeaderKind::kTime) | Bit(HeaderKind::kCalendar) |
                                     Bit(HeaderKind::kZone) | Bit(HeaderKind::kLevel) |
                                     Bit(HeaderKind::kBracketed) | Bit(HeaderKind::kKeyValue) |
                                     Bit(HeaderKind::kTag) | Bit(HeaderKind::kSeparator);
    constexpr size_t kKinds = static_cast<size_t>(HeaderKind::kCount);
    int uniform = 0;
    bool saw_level = false;
    for (int k = 0; k < header; ++k) {
      std::array<size_t, kKinds + 1> c{};
      for (uint32_t line : lines) ++c[static_cast<size_t>(KindAt(line, k))];
      const auto kind =
          static_cast<HeaderKind>(std::max_element(c.begin(), c.begin() + kKinds) - c.begin());
      if ((kHeaderOnly & Bit(kind)) == 0 || (kind == HeaderKind::kLevel && saw_level)) continue;
      saw_level |= kind == HeaderKind::kLevel;
      uniform = k + 1;
      if (kind == HeaderKind::kTag) break;  // a tag closes the header
    }
    const double n = static_cast<double>(lines.size());
    while (uniform > 0 && Reaching(lines, uniform) < options.min_share * n) --uniform;
    return uniform;
  }

  // Learns the node for `lines` from column `start`; returns its index.
  int LearnNode(const std::vector<uint32_t>& lines, int start, int header, int name_run, int depth,
                int parent) {
    constexpr size_t kKinds = static_cast<size_t>(HeaderKind::kCount);
    const double n = static_cast<double>(lines.size());
    Node node;
    node.start = start;
    node.parent = parent;
    node.lines = lines.size();
    node.child.fill(-1);
    std::vector<HeaderColumn> walked;
    int split = -1;
    int k = start;
    for (; k < max_columns; ++k) {
      std::array<size_t, kKinds + 1> c{};
      std::map<std::string_view, size_t> key_counts;
      for (uint32_t line : lines) {
        const HeaderKind kind = KindAt(line, k);
        ++c[static_cast<size_t>(kind)];
        if (kind == HeaderKind::kKeyValue) {
          ++key_counts[keys[line * static_cast<size_t>(max_columns) + static_cast<size_t>(k)]];
        }
      }
      // Key=value tokens count only with the column's most frequent key.
      HeaderColumn column;
      size_t best_key = 0;
      for (const auto& [key, count] : key_counts) {
        if (count > best_key) {
          best_key = count;
          column.key = std::string(key);
        }
      }
      c[static_cast<size_t>(HeaderKind::kKeyValue)] = best_key;
      auto share_of = [&](uint32_t set) {
        size_t sum = 0;
        for (size_t kind = 0; kind < kKinds; ++kind) {
          if (set & (1u << kind)) sum += c[kind];
        }
        return static_cast<double>(sum) / n;
      };
      const size_t top =
          static_cast<size_t>(std::max_element(c.begin(), c.begin() + kKinds) - c.begin());
      const HeaderKind kind = static_cast<HeaderKind>(top);
      column.kind = kind;
      column.accepted = AcceptedFamilyOf(kind);
      for (size_t other = 0; other < kKinds; ++other) {
        if (c[other] > 0 && static_cast<double>(c[other]) >= options.accept_share * n) {
          column.accepted |= 1u << other;
        }
      }
      // Header shapes, but two or more of them each in a good part of the lines: lines of
      // several programs. Branch by shape.
      size_t second = 0;
      for (size_t other = 0; other < kKinds; ++other) {
        if (other != top) second = std::max(second, c[other]);
      }
      const bool header_shapes =
          share_of(kStrongKinds | Bit(HeaderKind::kTag)) >= options.min_share;
      auto branches = [&] {
        int count = 0;
        for (size_t b = 0; b < kKinds; ++b) count += c[b] >= min_branch ? 1 : 0;
        return count;
      };
      if (depth < options.max_branch_depth && header_shapes &&
          static_cast<double>(second) >= options.branch_share * n && branches() >= 2) {
        split = k;
        break;
      }
      // Walk the columns: constant-shape columns are header; runs of name columns (at most
      // max_name_run) are header only when a constant-shape column or a tag follows; a tag
      // column closes the header.
      if (k > 0 && kind == HeaderKind::kTag && share_of(Bit(kind)) >= options.min_share) {
        column.share = share_of(Bit(kind));
        column.accepted = Bit(HeaderKind::kTag);  // the closing tag column takes tags only
        walked.push_back(std::move(column));
        header = k + 1;
        break;
      }
      if ((Bit(kind) & kStrongKinds) != 0 && share_of(ShapeFamilyOf(kind)) >= options.min_share) {
        column.share = share_of(ShapeFamilyOf(kind));
        walked.push_back(std::move(column));
        header = k + 1;
        name_run = 0;
        continue;
      }
      if ((Bit(kind) & kNameKinds) != 0 && share_of(kNameKinds) >= options.min_share &&
          ++name_run <= options.max_name_run) {
        column.share = share_of(kNameKinds);
        walked.push_back(std::move(column));
        continue;
      }
      // Header shapes, but no family fills the column: branch by shape too.
      if (depth < options.max_branch_depth && header_shapes && branches() >= 2) split = k;
      break;
    }
    if (split < 0) {
      // A leaf. When the lines end before a column that is not header-shaped, every column had
      // one shape: the data does not show where the message starts (one statement printed over
      // and over), so the header is only what header kinds explain.
      if (Reaching(lines, std::max(k, header)) < options.min_share * n) {
        header = UniformHeader(lines, header);
      }
      // The header is what fits; trailing name columns with nothing after them are not.
      walked.resize(
          static_cast<size_t>(std::clamp(header - start, 0, static_cast<int>(walked.size()))));
    }
    node.columns = std::move(walked);
    node.header = header;
    node.split = split;
    const int index = static_cast<int>(profile->nodes_.size());
    profile->nodes_.push_back(std::move(node));
    if (split >= 0) {
      for (size_t b = 0; b < kKinds; ++b) {
        std::vector<uint32_t> subset;
        for (uint32_t line : lines) {
          if (static_cast<size_t>(KindAt(line, split)) == b) subset.push_back(line);
        }
        if (subset.size() < min_branch) continue;
        const int child = LearnNode(subset, split, header, name_run, depth + 1, index);
        profile->nodes_[static_cast<size_t>(index)].child[b] = static_cast<int16_t>(child);
      }
      // A shape too rare for its own branch goes to the largest branch whose first column
      // accepts it (a node column's odd word, a "-" column's odd label).
      auto& child = profile->nodes_[static_cast<size_t>(index)].child;
      for (size_t b = 0; b < kKinds; ++b) {
        if (child[b] >= 0) continue;
        int best = -1;
        for (size_t o = 0; o < kKinds; ++o) {
          if (child[o] < 0) continue;
          const Node& candidate = profile->nodes_[static_cast<size_t>(child[o])];
          if (candidate.columns.empty() || (candidate.columns[0].accepted & (1u << b)) == 0) {
            continue;
          }
          if (best < 0 || candidate.lines > profile->nodes_[static_cast<size_t>(best)].lines) {
            best = child[o];
          }
        }
        child[b] = static_cast<int16_t>(best);
      }
    }
    return index;
  }
};

HeaderProfile HeaderProfile::Learn(std::span<const std::string_view> sample,
                                   const HeaderOptions& options) {
  HeaderProfile profile;
  const size_t n = std::min(sample.size(), options.sample_lines);
  profile.sample_size_ = n;
  if (n == 0) return profile;
  Learner learner(options, &profile);
  learner.max_columns = std::clamp(options.max_columns, 1, kMaxHeaderColumns);
  learner.min_branch =
      std::max<size_t>(2, static_cast<size_t>(options.min_branch_share * static_cast<double>(n)));
  const size_t columns = static_cast<size_t>(learner.max_columns);
  learner.kinds.assign(n * columns, static_cast<uint8_t>(HeaderKind::kCount));
  learner.keys.assign(n * columns, {});
  learner.token_counts.assign(n, 0);
  std::vector<Span> spans(columns + 1);
  std::vector<uint32_t> all(n);
  for (size_t i = 0; i < n; ++i) {
    all[i] = static_cast<uint32_t>(i);
    std::string_view line = sample[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // One token past the columns tells whether a line goes on after its last column.
    const int tokens = HeaderTokens(line, spans.data(), learner.max_columns + 1);
    learner.token_counts[i] = static_cast<uint8_t>(tokens);
    const int count = std::min(tokens, learner.max_columns);
    HeaderKind previous = HeaderKind::kOther;
    for (int k = 0; k < count; ++k) {
      const Span s = spans[static_cast<size_t>(k)];
      const std::string_view token = line.substr(s.begin, s.end - s.begin);
      const HeaderKind kind = ClassifyHeaderToken(token, previous);
      learner.kinds[i * columns + static_cast<size_t>(k)] = static_cast<uint8_t>(kind);
      if (kind == HeaderKind::kKeyValue)
        learner.keys[i * columns + static_cast<size_t>(k)] = KeyOf(token);
      previous = kind;
    }
  }
  learner.LearnNode(all, 0, 0, 0, 0, -1);
  // No header anywhere: nothing learned.
  bool any = false;
  for (const Node& node : profile.nodes_) any |= node.header > 0;
  if (!any) {
    profile.nodes_.clear();
    return profile;
  }
  for (const Node& node : profile.nodes_) {
    profile.max_tokens_ =
        std::max(profile.max_tokens_, node.start + static_cast<int>(node.columns.size()) + 1);
  }
  profile.max_tokens_ = std::min(profile.max_tokens_, kMaxHeaderColumns);
  profile.LearnPlan(sample.first(n));
  // Examples (the first sample line that fits each layout) and the share of lines that fit.
  for (size_t i = 0; i < n; ++i) {
    std::string_view line = sample[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t start = 0;
    int leaf = -1;
    if (profile.MatchLine(line, &start, &leaf) != Match::kFits) continue;
    ++profile.sample_fitting_;
    ++profile.nodes_[static_cast<size_t>(leaf)].fitting;
    Node& at = profile.nodes_[static_cast<size_t>(leaf)];
    if (at.examples.empty()) {
      const int count = HeaderTokens(line, spans.data(), at.header);
      for (int k = 0; k < count; ++k) {
        const Span s = spans[static_cast<size_t>(k)];
        at.examples.emplace_back(line.substr(s.begin, s.end - s.begin));
      }
    }
  }
  // The most common layout is the one columns() shows.
  std::vector<HeaderLayout> layouts = profile.Layouts();
  if (!layouts.empty()) profile.main_columns_ = std::move(layouts.front().columns);
  return profile;
}

std::vector<HeaderLayout> HeaderProfile::Layouts() const {
  std::vector<HeaderLayout> layouts;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& leaf = nodes_[i];
    if (leaf.header == 0 || leaf.fitting == 0) continue;
    // Lines end in this node when it has no branch for them; count those that fit here.
    std::vector<const Node*> path;
    for (int node = static_cast<int>(i); node >= 0;
         node = nodes_[static_cast<size_t>(node)].parent) {
      path.push_back(&nodes_[static_cast<size_t>(node)]);
    }
    HeaderLayout layout;
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
      for (const HeaderColumn& c : (*it)->columns) {
        if (static_cast<int>(layout.columns.size()) >= leaf.header) break;
        layout.columns.push_back(c);
        const size_t k = layout.columns.size() - 1;
        layout.columns.back().example = k < leaf.examples.size() ? leaf.examples[k] : "";
      }
    }
    layout.lines = leaf.fitting;
    layouts.push_back(std::move(layout));
  }
  std::stable_sort(layouts.begin(), layouts.end(),
                   [](const HeaderLayout& a, const HeaderLayout& b) { return a.lines > b.lines; });
  return layouts;
}

HeaderProfile::Match HeaderProfile::MatchLine(std::string_view line, size_t* message_start,
                                              int* leaf) const {
  constexpr int kTagLookahead = 2;  // "syslogd 1.4.1:", "-- root[2421]:": a tag with spaces
  if (nodes_.empty()) return Match::kNo;
  LazyHeaderTokens<kMaxHeaderColumns + kTagLookahead> spans(line);
  std::array<HeaderKind, kMaxHeaderColumns + kTagLookahead> kinds;
  int classified = 0;  // tokens [0, classified) have kinds (all of them already cut)
  auto kind_at = [&](int k) {
    while (classified <= k) {
      kinds[static_cast<size_t>(classified)] = spans.Kind(
          classified,
          classified == 0 ? HeaderKind::kOther : kinds[static_cast<size_t>(classified - 1)]);
      ++classified;
    }
    return kinds[static_cast<size_t>(k)];
  };
  // The plan: the next token taken by a shape the sample showed at this step, when it has one.
  auto by_plan = [&](const Node& node, int k) {
    const auto slot = static_cast<size_t>(k - node.start);
    if (slot >= node.shapes.size() || k != classified || k != spans.cut() || k >= max_tokens_) {
      return;
    }
    const auto [first, last] = node.shapes[slot];
    if (first == last) return;
    const HeaderKind previous = k == 0 ? HeaderKind::kOther : kinds[static_cast<size_t>(k - 1)];
    const bool after_time = previous == HeaderKind::kTime || previous == HeaderKind::kNumber;
    HeaderKind kind;
    if (spans.CutByShape(std::span<const PlannedShape>(plan_.data() + first, last - first),
                         after_time, &kind)) {
      kinds[static_cast<size_t>(k)] = kind;
      ++classified;
    }
  };
  int at = 0;
  for (;;) {
    const Node& node = nodes_[static_cast<size_t>(at)];
    const int fitted = node.start + static_cast<int>(node.columns.size());
    for (int k = node.start; k < fitted; ++k) {
      const HeaderColumn& column = node.columns[static_cast<size_t>(k - node.start)];
      by_plan(node, k);
      if (!spans.Has(k, max_tokens_)) return Match::kNo;
      const HeaderKind kind = kind_at(k);
      const Span s = spans[k];
      const bool ok = (column.accepted & Bit(kind)) != 0 &&
                      (kind != HeaderKind::kKeyValue ||
                       KeyOf(line.substr(s.begin, s.end - s.begin)) == column.key);
      if (ok) continue;
      // Every column fits but the closing tag: the tag may hold spaces, or be missing (then the
      // message starts here).
      if (k + 1 != node.header || node.split >= 0 || column.kind != HeaderKind::kTag) {
        return Match::kNo;
      }
      size_t start = s.begin;
      HeaderKind before = kind;
      for (int j = k + 1; spans.Has(j, k + 1 + kTagLookahead); ++j) {
        const std::string_view next = spans.Text(j);
        before = spans.Kind(j, before);
        if (before == HeaderKind::kTag || next.back() == ':') {
          start = spans[j].end;
          while (start < line.size() && IsSpace(line[start])) ++start;
          break;
        }
      }
      *message_start = start;
      if (leaf != nullptr) *leaf = at;
      return Match::kPartial;
    }
    if (node.split < 0) break;
    by_plan(node, node.split);
    if (!spans.Has(node.split, max_tokens_)) return Match::kNo;
    const int child = node.child[static_cast<size_t>(kind_at(node.split))];
    if (child < 0) return Match::kNo;
    at = child;
  }
  const Node& node = nodes_[static_cast<size_t>(at)];
  if (node.header == 0) return Match::kNo;
  size_t i = spans[node.header - 1].end;
  while (i < line.size() && IsSpace(line[i])) ++i;
  *message_start = i;
  if (leaf != nullptr) *leaf = at;
  return Match::kFits;
}

// Shapes kept per token of a node, and how many sample lines a shape needs: a token the plan
// does not know costs a look at each shape (mostly one byte: the one after it), so a shape that
// shows once in the sample does not pay.
constexpr size_t kMaxShapesPerToken = 8;
constexpr size_t kMinShapeLines = 2;

// Walks the sample lines through the layout tree as MatchLine does and counts the shape of
// each token where it is cut.
class HeaderProfile::PlanLearner {
 public:
  explicit PlanLearner(const HeaderProfile& profile) : profile_(profile) {
    seen_.resize(profile.nodes_.size());
    for (size_t i = 0; i < seen_.size(); ++i) {
      const Node& node = profile.nodes_[i];
      seen_[i].resize(node.columns.size() + (node.split >= 0 ? 1 : 0));
    }
  }

  void Walk(std::string_view line) {
    std::array<Span, kMaxHeaderColumns> spans;
    const int count = HeaderTokens(line, spans.data(), profile_.max_tokens_);
    std::array<HeaderKind, kMaxHeaderColumns> kinds;
    auto text = [&](int k) {
      const Span s = spans[static_cast<size_t>(k)];
      return line.substr(s.begin, s.end - s.begin);
    };
    for (int k = 0; k < count; ++k) {
      kinds[static_cast<size_t>(k)] =
          ClassifyHeaderToken(text(k), k == 0 ? HeaderKind::kOther : kinds[static_cast<size_t>(k - 1)]);
    }
    auto see = [&](int node, int k) {
      // The token with the blanks before it (MatchLine compares from the previous token's end).
      const size_t from = k == 0 ? 0 : spans[static_cast<size_t>(k - 1)].end;
      const size_t blanks = spans[static_cast<size_t>(k)].begin - from;
      const std::string_view token = line.substr(from, spans[static_cast<size_t>(k)].end - from);
      // Tokens joined over blanks are left out (a shape is cut at the first blank after it).
      if (token.size() > TokenShape::kMaxLength ||
          token.find_first_of(" \t", blanks) != std::string_view::npos) {
        return;
      }
      const HeaderKind previous = k == 0 ? HeaderKind::kOther : kinds[static_cast<size_t>(k - 1)];
      const bool after_time = previous == HeaderKind::kTime || previous == HeaderKind::kNumber;
      const Node& at = profile_.nodes_[static_cast<size_t>(node)];
      auto& by_key = seen_[static_cast<size_t>(node)][static_cast<size_t>(k - at.start)];
      key_ = TokenShape::Key(token);
      key_.push_back(after_time ? '1' : '0');
      auto it = by_key.find(key_);
      if (it == by_key.end()) {
        it = by_key.emplace(key_, Seen{0, order_++, std::string(token), blanks,
                                       kinds[static_cast<size_t>(k)], after_time})
                 .first;
      }
      ++it->second.lines;
    };
    int at = 0;
    for (;;) {
      const Node& node = profile_.nodes_[static_cast<size_t>(at)];
      const int fitted = node.start + static_cast<int>(node.columns.size());
      for (int k = node.start; k < fitted; ++k) {
        if (k >= count) return;
        if (at == 0 || k > node.start) see(at, k);  // a child's first token is cut above it
        const HeaderColumn& column = node.columns[static_cast<size_t>(k - node.start)];
        const HeaderKind kind = kinds[static_cast<size_t>(k)];
        if ((column.accepted & Bit(kind)) == 0 ||
            (kind == HeaderKind::kKeyValue && KeyOf(text(k)) != column.key)) {
          return;  // MatchLine stops here (the rest, a tag with spaces, is cut in full)
        }
      }
      if (node.split < 0 || node.split >= count) return;
      see(at, node.split);
      const int child = node.child[static_cast<size_t>(kinds[static_cast<size_t>(node.split)])];
      if (child < 0) return;
      at = child;
    }
  }

  // The most frequent shapes of each token, into the profile's plan.
  void Finish(HeaderProfile* profile) {
    for (size_t node = 0; node < seen_.size(); ++node) {
      auto& ranges = profile->nodes_[node].shapes;
      ranges.clear();
      for (const auto& by_key : seen_[node]) {
        std::vector<const Seen*> kept;
        for (const auto& [key, seen] : by_key) {
          if (seen.lines >= kMinShapeLines) kept.push_back(&seen);
        }
        std::sort(kept.begin(), kept.end(), [](const Seen* a, const Seen* b) {
          return a->lines != b->lines ? a->lines > b->lines : a->order < b->order;
        });
        kept.resize(std::min(kept.size(), kMaxShapesPerToken));
        const auto first = static_cast<uint32_t>(profile->plan_.size());
        for (const Seen* seen : kept) {
          profile->plan_.push_back({TokenShape(seen->token), static_cast<uint8_t>(seen->blanks),
                                    seen->kind, seen->after_time});
        }
        ranges.emplace_back(first, static_cast<uint32_t>(profile->plan_.size()));
      }
    }
  }

 private:
  struct Seen {
    size_t lines = 0;
    size_t order = 0;    // first seen: ties keep the sample's order
    std::string token;   // the first token of the shape, with the blanks before it
    size_t blanks = 0;
    HeaderKind kind = HeaderKind::kOther;
    bool after_time = false;
  };
  const HeaderProfile& profile_;
  // [node][token of the node][shape key]
  std::vector<std::vector<std::unordered_map<std::string, Seen>>> seen_;
  size_t order_ = 0;
  std::string key_;
};

void HeaderProfile::LearnPlan(std::span<const std::string_view> sample) {
  plan_.clear();
  if (nodes_.empty()) return;
  PlanLearner learner(*this);
  for (std::string_view line : sample) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    learner.Walk(line);
  }
  learner.Finish(this);
}

HeaderProfile HeaderProfile::WithoutPlan() const {
  HeaderProfile copy = *this;
  copy.plan_.clear();
  for (Node& node : copy.nodes_) node.shapes.clear();
  return copy;
}

bool HeaderProfile::Fits(std::string_view line, size_t* message_start) const {
  return MatchLine(line, message_start, nullptr) == Match::kFits;
}

size_t HeaderProfile::MessageStart(std::string_view line) const {
  size_t start = 0;
  if (MatchLine(line, &start, nullptr) != Match::kNo) return start;
  return DetectHeaderLength(line);
}

}  // namespace quell::analysis::logmine
