#include "analysis/logmine/header_detector.h"

#include <algorithm>
#include <array>
#include <map>

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

char CloserOf(char open) {
  switch (open) {
    case '[':
      return ']';
    case '(':
      return ')';
    case '<':
      return '>';
    case '{':
      return '}';
    default:
      return 0;
  }
}

int Balance(std::string_view t, char open, char close) {
  int depth = 0;
  for (char c : t) depth += c == open ? 1 : c == close ? -1 : 0;
  return depth;
}

// The first `max` header tokens of `line`: whitespace-separated, except that a token opening a
// bracket it does not close extends over the following tokens until the bracket closes
// ("[RMCommunicator Allocator]", "[10/Oct/2000:13:55:36 -0700]").
int HeaderTokens(std::string_view line, Span* out, int max) {
  int n = 0;
  size_t i = 0;
  const size_t size = line.size();
  while (n < max) {
    while (i < size && IsSpace(line[i])) ++i;
    if (i >= size) break;
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
    out[n++] = {begin, i};
  }
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
  static constexpr std::array<std::string_view, 20> kLevels = {
      "trace", "debug",     "info",     "notice", "warn",   "warning", "error",
      "err",   "fatal",     "critical", "crit",   "severe", "alert",   "emerg",
      "panic", "emergency", "fine",     "finer",  "finest", "verbose"};
  if (!CapitalisedOrUpper(t) && !(t[0] >= 'a' && t[0] <= 'z')) return false;
  for (std::string_view level : kLevels) {
    if (EqualsLower(t, level)) return true;
  }
  return false;
}

bool IsCalendarName(std::string_view t) {
  static constexpr std::array<std::string_view, 33> kNames = {
      "jan",      "feb",      "mar",    "apr",     "may",      "jun",       "jul",
      "aug",      "sep",      "oct",    "nov",     "dec",      "mon",       "tue",
      "wed",      "thu",      "fri",    "sat",     "sun",      "january",   "february",
      "march",    "april",    "june",   "july",    "august",   "september", "october",
      "november", "december", "monday", "tuesday", "wednesday"};
  static constexpr std::array<std::string_view, 4> kMoreDays = {"thursday", "friday", "saturday",
                                                                "sunday"};
  if (t.size() < 3 || !CapitalisedOrUpper(t)) return false;
  for (std::string_view name : kNames) {
    if (EqualsLower(t, name)) return true;
  }
  for (std::string_view name : kMoreDays) {
    if (EqualsLower(t, name)) return true;
  }
  return false;
}

// Digits in at least two groups joined by date/time punctuation, an ISO 'T' between digits and
// an optional final 'Z': 2015-10-18, 18:01:47,978, 2024-05-01T12:00:01.5+02:00, 17/06/09.
bool IsTimeLike(std::string_view t) {
  int groups = 0;
  bool in_digits = false;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (IsDigit(c)) {
      if (!in_digits) ++groups;
      in_digits = true;
      continue;
    }
    const bool after_digit = in_digits;
    in_digits = false;
    if (c == ':' || c == '.' || c == ',' || c == '-' || c == '/' || c == '+' || c == '_') continue;
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
    t[static_cast<size_t>(c)] = f;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kCharClasses = MakeCharClasses();

}  // namespace

HeaderKind ClassifyHeaderToken(std::string_view t, HeaderKind previous) {
  if (t.empty()) return HeaderKind::kOther;
  // One pass over the characters; the word lists are consulted only for short letter-only tokens.
  size_t digits = 0, letters = 0;
  uint8_t seen = 0;
  for (char c : t) {
    const uint8_t f = kCharClasses[static_cast<unsigned char>(c)];
    digits += f & kDigitChar;
    letters += (f & kLetterChar) >> 1;
    seen |= f;
  }
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
    if (after_time && letters == 0 && IsZone(t)) return HeaderKind::kZone;
    if (letters == 0 && IsNumber(t)) return HeaderKind::kNumber;
    if (IsTimeLike(t)) return HeaderKind::kTime;
  }
  if (seen & kQuoteChar) return HeaderKind::kOther;
  // "component:" and "prog[pid]:" tags, and "file.cc:12]" (glog) close a header.
  const bool tag_chars = (seen & kNotTagChar) == 0;
  if (tag_chars && t.back() == ':' && core.back() != ':' && letters > 0) return HeaderKind::kTag;
  if (tag_chars && t.back() == ']' && (seen & kOpenSquareChar) == 0) return HeaderKind::kTag;
  if (seen & kEqualsChar) {
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

HeaderProfile HeaderProfile::Learn(std::span<const std::string_view> sample,
                                   const HeaderOptions& options) {
  HeaderProfile profile;
  const size_t n = std::min(sample.size(), options.sample_lines);
  const int max_columns = std::clamp(options.max_columns, 1, 64);
  profile.sample_size_ = n;
  if (n == 0) return profile;
  constexpr size_t kKinds = static_cast<size_t>(HeaderKind::kCount);
  std::vector<std::array<size_t, kKinds>> counts(static_cast<size_t>(max_columns));
  for (auto& c : counts) c.fill(0);
  std::vector<std::map<std::string_view, size_t>> keys(static_cast<size_t>(max_columns));
  std::vector<Span> spans(static_cast<size_t>(max_columns));
  for (size_t i = 0; i < n; ++i) {
    std::string_view line = sample[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const int count = HeaderTokens(line, spans.data(), max_columns);
    HeaderKind previous = HeaderKind::kOther;
    for (int k = 0; k < count; ++k) {
      const Span s = spans[static_cast<size_t>(k)];
      const std::string_view token = line.substr(s.begin, s.end - s.begin);
      const HeaderKind kind = ClassifyHeaderToken(token, previous);
      ++counts[static_cast<size_t>(k)][static_cast<size_t>(kind)];
      if (kind == HeaderKind::kKeyValue) ++keys[static_cast<size_t>(k)][KeyOf(token)];
      previous = kind;
    }
  }
  const double total = static_cast<double>(n);
  // Key=value tokens count only with the column's most frequent key.
  std::vector<std::string_view> column_key(static_cast<size_t>(max_columns));
  for (size_t k = 0; k < keys.size(); ++k) {
    size_t best = 0;
    for (const auto& [key, c] : keys[k]) {
      if (c > best) {
        best = c;
        column_key[k] = key;
      }
    }
    counts[k][static_cast<size_t>(HeaderKind::kKeyValue)] = best;
  }
  auto share_of = [&](size_t k, uint32_t kinds) {
    size_t c = 0;
    for (size_t kind = 0; kind < kKinds; ++kind) {
      if (kinds & (1u << kind)) c += counts[k][kind];
    }
    return static_cast<double>(c) / total;
  };
  // Walk the columns: constant-shape columns are header; runs of name columns (at most
  // max_name_run) are header only when a constant-shape column or a tag follows; a tag column
  // closes the header.
  int header = 0;
  int name_run = 0;
  std::vector<double> shares;  // per column, the share that made it header
  for (size_t k = 0; k < counts.size(); ++k) {
    const auto& c = counts[k];
    const size_t top = static_cast<size_t>(std::max_element(c.begin(), c.end()) - c.begin());
    const HeaderKind kind = static_cast<HeaderKind>(top);
    if (k > 0 && kind == HeaderKind::kTag && share_of(k, Bit(kind)) >= options.min_share) {
      shares.push_back(share_of(k, Bit(kind)));
      header = static_cast<int>(k) + 1;
      break;
    }
    if ((Bit(kind) & kStrongKinds) != 0 && share_of(k, ShapeFamilyOf(kind)) >= options.min_share) {
      shares.push_back(share_of(k, ShapeFamilyOf(kind)));
      header = static_cast<int>(k) + 1;
      name_run = 0;
    } else if ((Bit(kind) & kNameKinds) != 0 && share_of(k, kNameKinds) >= options.min_share &&
               ++name_run <= options.max_name_run) {
      shares.push_back(share_of(k, kNameKinds));
    } else {
      break;
    }
  }
  for (int k = 0; k < header; ++k) {
    const auto& c = counts[static_cast<size_t>(k)];
    HeaderColumn column;
    const size_t top = static_cast<size_t>(std::max_element(c.begin(), c.end()) - c.begin());
    column.kind = static_cast<HeaderKind>(top);
    column.share = shares[static_cast<size_t>(k)];
    column.key = std::string(column_key[static_cast<size_t>(k)]);
    column.accepted = AcceptedFamilyOf(column.kind);
    for (size_t kind = 0; kind < kKinds; ++kind) {
      if (c[kind] > 0 && static_cast<double>(c[kind]) >= options.accept_share * total) {
        column.accepted |= 1u << kind;
      }
    }
    // The closing tag column takes tags only.
    if (k + 1 == header && column.kind == HeaderKind::kTag) column.accepted = Bit(HeaderKind::kTag);
    profile.columns_.push_back(std::move(column));
  }
  if (!profile.found()) return profile;
  // Examples and the share of sample lines that fit.
  for (size_t i = 0; i < n; ++i) {
    std::string_view line = sample[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t start = 0;
    if (!profile.Fits(line, &start)) continue;
    if (profile.sample_fitting_++ == 0) {
      const int count = HeaderTokens(line, spans.data(), header);
      for (int k = 0; k < count; ++k) {
        const Span s = spans[static_cast<size_t>(k)];
        profile.columns_[static_cast<size_t>(k)].example = line.substr(s.begin, s.end - s.begin);
      }
    }
  }
  return profile;
}

HeaderProfile::Match HeaderProfile::MatchLine(std::string_view line, size_t* message_start) const {
  constexpr int kMaxColumns = 64;
  constexpr int kTagLookahead = 2;  // "syslogd 1.4.1:", "-- root[2421]:": a tag with spaces
  std::array<Span, kMaxColumns + kTagLookahead> spans;
  const int header = static_cast<int>(columns_.size());
  if (header == 0) return Match::kNo;
  int count = HeaderTokens(line, spans.data(), header);
  HeaderKind previous = HeaderKind::kOther;
  for (int k = 0; k < header; ++k) {
    const HeaderColumn& column = columns_[static_cast<size_t>(k)];
    if (k >= count) return Match::kNo;
    const Span s = spans[static_cast<size_t>(k)];
    const std::string_view token = line.substr(s.begin, s.end - s.begin);
    const HeaderKind kind = ClassifyHeaderToken(token, previous);
    const bool ok = (column.accepted & Bit(kind)) != 0 &&
                    (kind != HeaderKind::kKeyValue || KeyOf(token) == column.key);
    if (!ok) {
      // Every column fits but the closing tag: the tag may hold spaces, or be missing (then the
      // message starts here).
      if (k + 1 != header || column.kind != HeaderKind::kTag) return Match::kNo;
      count = HeaderTokens(line, spans.data(), header + kTagLookahead);
      size_t start = s.begin;
      HeaderKind before = kind;
      for (int j = k + 1; j < count; ++j) {
        const Span t = spans[static_cast<size_t>(j)];
        const std::string_view next = line.substr(t.begin, t.end - t.begin);
        before = ClassifyHeaderToken(next, before);
        if (before == HeaderKind::kTag || next.back() == ':') {
          start = t.end;
          while (start < line.size() && IsSpace(line[start])) ++start;
          break;
        }
      }
      *message_start = start;
      return Match::kPartial;
    }
    previous = kind;
  }
  size_t i = spans[static_cast<size_t>(header - 1)].end;
  while (i < line.size() && IsSpace(line[i])) ++i;
  *message_start = i;
  return Match::kFits;
}

bool HeaderProfile::Fits(std::string_view line, size_t* message_start) const {
  return MatchLine(line, message_start) == Match::kFits;
}

size_t HeaderProfile::MessageStart(std::string_view line) const {
  size_t start = 0;
  if (found() && MatchLine(line, &start) != Match::kNo) return start;
  return DetectHeaderLength(line);
}

}  // namespace quell::analysis::logmine
