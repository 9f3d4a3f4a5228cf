#include "analysis/logmine/token_masker.h"

#include <array>
#include <cstdint>

#include "analysis/logmine/token_scan.h"

namespace quell::analysis::logmine {
namespace {

// Character classes without <cctype>: locale-independent and branch-cheap.
constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
// Characters that always separate a token into pieces; they stay literal in the template.
constexpr bool IsHardSeparator(char c) {
  switch (c) {
    case '=': case ',': case ';': case '(': case ')': case '[': case ']': case '{': case '}':
    case '<': case '>': case '"': case '\'': case '|': case '@': case '#':
      return true;
    default:
      return false;
  }
}

bool HasDigit(std::string_view s) {
  for (char c : s) {
    if (IsDigit(c)) return true;
  }
  return false;
}

// Units that may follow a number, attached (10000ms, 5.2KB) or as the next token (5.2 KB).
bool IsUnit(std::string_view u) {
  static constexpr std::string_view kUnits[] = {
      "B",  "KB", "MB", "GB", "TB", "kB", "K",  "M",  "G",   "T",   "KiB", "MiB", "GiB", "b",
      "ms", "us", "ns", "s",  "sec", "secs", "min", "h", "C",  "%",   "x",   "bytes"};
  for (std::string_view k : kUnits) {
    if (u == k) return true;
  }
  return false;
}

// Byte-size units written as their own token ("5.2 KB"); they belong to the number. Other
// units ("160 ms", "2703 bytes") stay words of the template.
bool IsSizeUnit(std::string_view u) {
  static constexpr std::string_view kUnits[] = {"B",  "KB",  "MB",  "GB",  "TB",
                                                "kB", "KiB", "MiB", "GiB", "TiB"};
  for (std::string_view k : kUnits) {
    if (u == k) return true;
  }
  return false;
}

// Numbers in all their log forms: 42, -17, 0.023, 1.4.1 (versions, IPv4), 10000ms, 5.2KB,
// 0x1f, 2005-06-03-15.42.50.675872, 15:16:01,747, 14ed93111f20027. The body may hold hex letters
// and the separators . : , - / _ + ; a unit may follow.
// The characters of a number's body (one table look-up each: this runs on most variables).
constexpr std::array<bool, 256> MakeNumberBody() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    t[static_cast<size_t>(c)] = IsHex(ch) || ch == '.' || ch == ':' || ch == ',' || ch == '-' ||
                                ch == '/' || ch == '_' || ch == '+';
  }
  return t;
}
constexpr std::array<bool, 256> kNumberBody = MakeNumberBody();

bool IsNumberLike(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i >= s.size() || !IsDigit(s[i])) return false;
  if (s.size() > i + 1 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) i += 2;
  size_t body_end = i;
  while (body_end < s.size() && kNumberBody[static_cast<uint8_t>(s[body_end])]) ++body_end;
  return body_end == s.size() || IsUnit(s.substr(body_end));
}

// host:port where the host part holds a digit (an IP or a numbered host name).
bool IsHostPort(std::string_view s, const MaskOptions& o) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return false;
  std::string_view port = s.substr(colon + 1);
  if (port.size() > 5) return false;
  for (char c : port) {
    if (!IsDigit(c)) return false;
  }
  std::string_view host = s.substr(0, colon);
  for (char c : host) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '.' && c != '-' && c != '_' && c != '/') return false;
  }
  return HasDigit(host) || (o.mask_named_endpoints && host.find('.') != std::string_view::npos);
}

// MAC addresses and similar colon/dash-separated hex groups: FF:F2:9F:16:E2:23.
bool IsHexGroups(std::string_view s) {
  if (s.size() < 8 || !HasDigit(s)) return false;
  int separators = 0;
  for (char c : s) {
    if (c == ':' || c == '-') {
      ++separators;
    } else if (!IsHex(c)) {
      return false;
    }
  }
  return separators >= 2;
}

// A hex string of at least 8 characters with a digit: hashes, ids (d8f7a9b0c2).
bool IsLongHex(std::string_view s) {
  if (s.size() < 8) return false;
  for (char c : s) {
    if (!IsHex(c)) return false;
  }
  return HasDigit(s);
}

bool IsAllHex(std::string_view s) {
  for (char c : s) {
    if (!IsHex(c)) return false;
  }
  return !s.empty();
}

// "://" anywhere (a URL); a plain loop, cheaper than find() on these short pieces.
bool HasSchemeSeparator(std::string_view s) {
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') return true;
  }
  return false;
}

// A piece that is a variable as a whole.
bool IsWholeVariable(std::string_view s, const MaskOptions& o) {
  if (s.empty()) return false;
  if (s[0] == '/' && s.size() >= 2) return true;                     // absolute path
  if (IsNumberLike(s)) return true;                                   // the most common
  // The next three need a ':'; most pieces have none.
  if (const size_t colon = s.find(':'); colon != std::string_view::npos) {
    if (HasSchemeSeparator(s.substr(colon))) return true;             // URL
    if (s.size() >= 3 && IsAlpha(s[0]) && s[1] == ':' && s[2] == '\\') return true;  // C:\ path
    if (IsHostPort(s, o)) return true;
  }
  if (IsHexGroups(s)) return true;
  return IsLongHex(s);
}

// Names like eth1, alt0, ssh2, Slf4jLogger, HttpServer2: a letter before every digit and no
// run of two digits. Such digits are part of a name, not a value.
bool IsNameWithDigits(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (IsDigit(s[i]) && (!IsAlpha(s[i - 1]) || (i + 1 < s.size() && IsDigit(s[i + 1])))) {
      return false;
    }
  }
  return true;
}

// "node-129", "jetty-6.1.26", "MININT-FNANLI5.corp": a word, one dash, a value; or
// "core.2275": a word, a dot, a number. Returns the length of the kept "word-" / "word." or 0.
size_t WordDashPrefix(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsAlpha(s[i])) ++i;
  if (i == 0 || i + 1 >= s.size()) return 0;
  std::string_view rest = s.substr(i + 1);
  if (s[i] == '-') {
    if (rest.find('-') != std::string_view::npos || !HasDigit(rest)) return 0;
    return i + 1;
  }
  if (s[i] == '.') {
    for (char c : rest) {
      if (!IsDigit(c)) return 0;
    }
    return i + 1;
  }
  return 0;
}

// Masks a piece without separators. `not_whole`: the caller already found that IsWholeVariable
// is false for `a` (MaskPiece tests every piece first), so it is not asked twice.
void MaskAtom(std::string_view a, const MaskOptions& o, MaskedTokens* out,
              bool not_whole = false) {
  if (a.empty()) return;
  if (!HasDigit(a)) {
    if (a[0] == '/' && a.size() >= 2) {
      out->Append(kWildcard);
    } else if (o.mask_booleans && (a == "true" || a == "false" || a == "null")) {
      out->Append(kWildcard);
    } else {
      out->Append(a);
    }
    return;
  }
  if (!not_whole && IsWholeVariable(a, o)) {
    out->Append(kWildcard);
    return;
  }
  if (o.keep_names_with_digits && IsNameWithDigits(a)) {
    out->Append(a);
    return;
  }
  if (size_t prefix = o.keep_word_prefix ? WordDashPrefix(a) : 0; prefix > 0) {
    out->Append(a.substr(0, prefix));
  }
  out->Append(kWildcard);
}

// Masks a piece between hard separators: first as a whole, else split on ':'.
void MaskPiece(std::string_view p, bool is_key, bool after_equals, const MaskOptions& o,
               MaskedTokens* out) {
  if (p.empty()) return;
  // Trailing sentence punctuation stays literal: "port 55904." -> "port <*>.".
  size_t end = p.size();
  while (end > 0 && (p[end - 1] == '.' || p[end - 1] == ':' || p[end - 1] == '!' ||
                     p[end - 1] == '?')) {
    --end;
  }
  std::string_view core = p.substr(0, end);
  std::string_view tail = p.substr(end);
  if (is_key) {
    out->Append(p);  // the key of key=value is a name, even with digits (r24=, PSR0=)
    return;
  }
  // After '=', hex without digits is still a value (mask=ffffffff).
  if (IsWholeVariable(core, o) || (after_equals && core.size() >= 8 && IsAllHex(core))) {
    out->Append(kWildcard);
  } else if (core.find(':') == std::string_view::npos) {
    MaskAtom(core, o, out, /*not_whole=*/true);
  } else if (size_t prefix = o.keep_word_prefix ? WordDashPrefix(core) : 0; prefix > 0) {
    out->Append(core.substr(0, prefix));
    out->Append(kWildcard);
  } else {
    size_t start = 0;
    while (true) {
      size_t colon = core.find(':', start);
      // "10.251.30.85:50010:Got": a host:port at the front of the rest is one variable.
      if (colon != std::string_view::npos) {
        size_t port_end = colon + 1;
        while (port_end < core.size() && IsDigit(core[port_end])) ++port_end;
        if (port_end > colon + 1 && IsHostPort(core.substr(start, port_end - start), o)) {
          out->Append(kWildcard);
          if (port_end == core.size()) break;
          colon = port_end;
          if (core[colon] != ':') {
            MaskAtom(core.substr(colon), o, out);
            break;
          }
          out->PutChar(':');
          start = colon + 1;
          continue;
        }
      }
      std::string_view part = core.substr(start, colon == std::string_view::npos
                                                     ? std::string_view::npos
                                                     : colon - start);
      MaskAtom(part, o, out);
      if (colon == std::string_view::npos) break;
      out->PutChar(':');
      start = colon + 1;
    }
  }
  out->Append(tail);
}

// Character classes for the single scanning pass over a message.
enum CharClass : uint16_t {
  kSpaceChar = 1,
  kValueChar = 2,    // digit, '=' or ':': the token may hold a value
  kDotChar = 4,      // '.': "......0" separators
  kSlashChar = 8,    // '/': paths
  kNotNameChar = 16,  // not a letter, digit, '_', '-' or '.' (MaskNameShape's characters)
  kHardSepChar = 32,  // IsHardSeparator: the token has several pieces
  kNotHexLetter = 64,  // a name character no hex value holds: g-z, G-Z, '_'
  kEqualsChar = 128,  // '=' (also a kValueChar and a kHardSepChar)
  // The letters of true, false and null: a token that holds one of them holds all its letters.
  kLetterT = 1 << 8,
  kLetterF = 1 << 9,
  kLetterN = 1 << 10,
  kLetterU = 1 << 11,
  kLetterL = 1 << 12,
  kLetterE = 1 << 13,
};
constexpr uint16_t kTrueLetters = kLetterT | kLetterU | kLetterE;
constexpr uint16_t kFalseLetters = kLetterF | kLetterL | kLetterE;
constexpr uint16_t kNullLetters = kLetterN | kLetterU | kLetterL;

struct CharTable {
  uint16_t classes[256] = {};
  constexpr CharTable() {
    for (char c : {' ', '\t', '\n', '\r', '\v', '\f'}) classes[static_cast<uint8_t>(c)] = kSpaceChar;
    for (char c = '0'; c <= '9'; ++c) classes[static_cast<uint8_t>(c)] = kValueChar;
    classes[static_cast<uint8_t>('=')] = kValueChar | kEqualsChar;
    classes[static_cast<uint8_t>(':')] = kValueChar;
    classes[static_cast<uint8_t>('.')] = kDotChar;
    classes[static_cast<uint8_t>('/')] = kSlashChar;
    classes[static_cast<uint8_t>('t')] = kLetterT;
    classes[static_cast<uint8_t>('f')] = kLetterF;
    classes[static_cast<uint8_t>('n')] = kLetterN;
    classes[static_cast<uint8_t>('u')] = kLetterU;
    classes[static_cast<uint8_t>('l')] = kLetterL;
    classes[static_cast<uint8_t>('e')] = kLetterE;
    for (int c = 0; c < 256; ++c) {
      const char ch = static_cast<char>(c);
      if (IsHardSeparator(ch)) classes[c] |= kHardSepChar;
      if (!IsAlpha(ch) && !IsDigit(ch) && ch != '_' && ch != '-' && ch != '.') {
        classes[c] |= kNotNameChar;
      }
      if ((IsAlpha(ch) && !IsHex(ch)) || ch == '_') classes[c] |= kNotHexLetter;
    }
  }
};
constexpr CharTable kChars;

uint16_t ClassOf(char c) { return kChars.classes[static_cast<uint8_t>(c)]; }

bool HasWordAt(std::string_view t, size_t i, std::string_view word) {
  if (i + word.size() > t.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (t[i + k] != word[k]) return false;
  }
  return true;
}

// NeedsMasking for a token without a value character: a path, a dot run or a boolean.
bool NeedsMaskingSlow(std::string_view t, uint16_t classes, bool maybe_boolean) {
  if ((classes & kSlashChar) && t.size() >= 2) {
    if (t[0] == '/') return true;
    for (size_t i = 0; i + 2 < t.size(); ++i) {
      char c = t[i];
      if ((c == '(' || c == '[' || c == '"' || c == '\'' || c == '<' || c == ',') &&
          t[i + 1] == '/') {
        return true;  // a path inside brackets or quotes
      }
    }
  }
  if (classes & kDotChar) {
    for (size_t i = 0; i + 1 < t.size(); ++i) {
      if (t[i] == '.' && t[i + 1] == '.') return true;
    }
  }
  if (maybe_boolean) {
    for (size_t i = 0; i + 4 <= t.size(); ++i) {
      const char c = t[i];  // most positions fail here, before any word is compared
      if ((c == 't' && HasWordAt(t, i, "true")) || (c == 'f' && HasWordAt(t, i, "false")) ||
          (c == 'n' && HasWordAt(t, i, "null"))) {
        return true;
      }
    }
  }
  return false;
}

// Decides from the classes seen in a token (OR-ed) whether it needs masking at all: plain
// words (no digit, no key/value separator, no path, no dot run, no true/false/null) are copied.
// Most tokens are decided here from their classes, inline (the call was a third of it).
[[gnu::always_inline]] inline bool NeedsMasking(std::string_view t, uint16_t classes,
                                                const MaskOptions& o) {
  if (classes & kValueChar) return true;
  // Most words lack one of the letters of each of the three.
  auto holds = [&](uint16_t letters) { return (classes & letters) == letters; };
  const bool maybe_boolean = o.mask_booleans && t.size() >= 4 &&
                             (holds(kTrueLetters) || holds(kFalseLetters) || holds(kNullLetters));
  if ((classes & (kSlashChar | kDotChar)) == 0 && !maybe_boolean) return false;
  return NeedsMaskingSlow(t, classes, maybe_boolean);
}

bool HasDotRun(std::string_view t) {
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i] == '.' && t[i + 1] == '.') return true;
  }
  return false;
}

// MaskOneToken for a token that needs masking; `classes` are its characters' classes OR-ed.
void MaskVariableToken(std::string_view token, uint16_t classes, MaskedTokens* out,
                       const MaskOptions& options) {
  // One piece (no separator inside), as most numbers, addresses and paths are.
  if ((classes & kHardSepChar) == 0 && ((classes & kDotChar) == 0 || !HasDotRun(token))) {
    MaskPiece(token, /*is_key=*/false, /*after_equals=*/false, options, out);
    return;
  }
  // Split into pieces at hard separators and at runs of two or more dots ("......0"). The scan
  // jumps from one separator or dot to the next by the class table, eight characters a step.
  const size_t n = token.size();
  size_t start = 0;
  size_t i = 0;
  bool after_equals = false;
  for (;;) {
    size_t sep_len = 0;
    for (;; ++i) {
      uint16_t ignored = 0;
      i = ScanToken(token, i, kChars.classes, uint16_t{kHardSepChar | kDotChar}, &ignored,
                    [](uint16_t all, uint16_t) { return all; });
      if (i >= n) break;
      if (ClassOf(token[i]) & kHardSepChar) {
        sep_len = 1;
        break;
      }
      if (i + 1 < n && token[i + 1] == '.') {  // a dot: a separator only in a run
        sep_len = 2;
        while (i + sep_len < n && token[i + sep_len] == '.') ++sep_len;
        break;
      }
    }
    const bool at_end = i >= n;
    std::string_view piece = token.substr(start, i - start);
    bool is_key = !at_end && token[i] == '=' && !piece.empty();
    MaskPiece(piece, is_key, after_equals, options, out);
    if (at_end) break;
    out->Append(token.substr(i, sep_len));
    after_equals = token[i] == '=';
    i += sep_len;
    start = i;
  }
}

// Fast paths: the shapes of most tokens that need masking, masked in one pass over the token
// instead of MaskVariableToken's pieces and their several scans each. Each gives exactly what
// MaskVariableToken gives (token_masker_test.cc compares both on tokens of every shape and on
// random tokens), or declines and writes nothing.
enum ShapeChar : uint8_t {
  kShapeDigit = 1,
  kShapeKey = 2,    // may stand in a key before '=': letters, digits, '_', '-'
  kShapeWord = 4,   // may stand in a word without digits: letters, '_', '-', '.'
  kShapeOuter = 8,  // around a number: hard separators but '=' (empty or literal pieces)
  kShapeTail = 16,  // trailing sentence punctuation: '.', ':', '!', '?'
};

constexpr std::array<uint8_t, 256> kShapeChars = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    uint8_t f = 0;
    if (IsDigit(ch)) f |= kShapeDigit | kShapeKey;
    if (IsAlpha(ch) || ch == '_' || ch == '-') f |= kShapeKey | kShapeWord;
    if (ch == '.') f |= kShapeWord;
    if (IsHardSeparator(ch) && ch != '=') f |= kShapeOuter;
    if (ch == '.' || ch == ':' || ch == '!' || ch == '?') f |= kShapeTail;
    t[static_cast<size_t>(c)] = f;
  }
  return t;
}();

bool Is(char c, uint8_t shape) { return (kShapeChars[static_cast<uint8_t>(c)] & shape) != 0; }

// A number with its punctuation, optionally the value of a key: "42", "42,", "(42)", "[7]:",
// "1.5.", "10.0.0.1:80", "uid=0", "(uid=0)", "rate=438,". The general path cuts such a token at
// its separators into empty or literal pieces, a key (kept) and the number ("<*>"); no '=' after
// the number, which would make it a key.
// `has_equals`: whether the token holds a '=' (from its classes); without one, a token that does
// not start with a digit after its brackets is declined at once.
bool MaskNumberShape(std::string_view t, bool has_equals, MaskedTokens* out) {
  const size_t n = t.size();
  size_t i = 0;
  while (i < n && Is(t[i], kShapeOuter)) ++i;
  size_t digits = i;  // where the digits start
  if (i < n && !IsDigit(t[i])) {
    if (!has_equals) return false;
    size_t k = i;
    while (k < n && Is(t[k], kShapeKey)) ++k;
    if (k == i || k == n || t[k] != '=') return false;
    digits = k + 1;
  }
  // The number: digit groups joined by single '.' or ':' (2005.06.03, 10.0.0.1:80, 15:16:01).
  size_t end = digits;
  while (end < n && Is(t[end], kShapeDigit)) ++end;
  if (end == digits) return false;
  while (end + 1 < n && (t[end] == '.' || t[end] == ':') && IsDigit(t[end + 1])) {
    end += 2;
    while (end < n && IsDigit(t[end])) ++end;
  }
  for (size_t j = end; j < n; ++j) {
    if (!Is(t[j], kShapeOuter | kShapeTail)) return false;
  }
  out->Append(t.substr(0, digits));
  out->Append(kWildcard);
  out->Append(t.substr(end));
  return true;
}

// A word without digits before trailing punctuation, "error:", "Old:", "done.": kept as it is
// (it reaches masking for its ':'). No '/' (a path), no ".." (a separator), not a boolean.
bool MaskWordShape(std::string_view t, const MaskOptions& o, MaskedTokens* out) {
  if (!Is(t.back(), kShapeTail)) return false;  // most tokens: decided by their last character
  size_t core = t.size();
  while (core > 0 && Is(t[core - 1], kShapeTail)) --core;
  if (core == 0) return false;
  for (size_t j = 0; j < core; ++j) {
    if (!Is(t[j], kShapeWord) || (t[j] == '.' && j + 1 < t.size() && t[j + 1] == '.')) {
      return false;
    }
  }
  const std::string_view word = t.substr(0, core);
  if (o.mask_booleans && (word == "true" || word == "false" || word == "null")) return false;
  out->Append(t);
  return true;
}

// A name or id with digits, of letters, digits, '_', '-' and '.' only, starting with a letter
// or a digit: "eth1", "user42", "blk_-1608", "node-129", "core.2275", "d8f7a9b0c2", "12ab".
// The general path takes it as one piece (no separator, no dot run) and strips its trailing
// dots; the piece is whole (masked) when it starts with a digit (then it is a number or falls
// through to "<*>" anyway) or is hex of 8 or more; else a name with digits stays, and anything
// else keeps its "word-" / "word." prefix before "<*>". `classes` tell all but those tests.
bool MaskNameShape(std::string_view t, uint16_t classes, const MaskOptions& o,
                   MaskedTokens* out) {
  // A digit (kValueChar, whose '=' and ':' are not name characters) and nothing else.
  if ((classes & (kNotNameChar | kValueChar)) != kValueChar) return false;
  if ((classes & kDotChar) && HasDotRun(t)) return false;
  size_t end = t.size();
  while (end > 0 && t[end - 1] == '.') --end;
  const std::string_view core = t.substr(0, end), tail = t.substr(end);
  if (IsDigit(core[0])) {  // core holds the digit, so it is not empty
    out->Append(kWildcard);
  } else if (!IsAlpha(core[0])) {
    return false;
  } else if (core.size() >= 8 && (classes & kNotHexLetter) == 0 &&
             (IsHexGroups(core) || IsLongHex(core))) {
    out->Append(kWildcard);
  } else if (o.keep_names_with_digits && IsNameWithDigits(core)) {
    out->Append(core);
  } else {
    if (const size_t prefix = o.keep_word_prefix ? WordDashPrefix(core) : 0; prefix > 0) {
      out->Append(core.substr(0, prefix));
    }
    out->Append(kWildcard);
  }
  out->Append(tail);
  return true;
}

// An absolute path without separators, "/var/log/app.log", "/10.0.0.1:50010": the general path
// takes it as one piece, whole (a path) once its trailing punctuation is set aside.
bool MaskPathShape(std::string_view t, uint16_t classes, MaskedTokens* out) {
  if (t[0] != '/' || (classes & kHardSepChar) != 0) return false;
  if ((classes & kDotChar) && HasDotRun(t)) return false;
  size_t end = t.size();
  while (end > 0 && Is(t[end - 1], kShapeTail)) --end;
  if (end < 2) return false;
  out->Append(kWildcard);
  out->Append(t.substr(end));
  return true;
}

// "key=word", "key=", "=": a key of letters, digits, '_' and '-' (kept as it is), '=' and a
// value of letters only, which the general path masks when it is a boolean or, after '=', 8 or
// more hex letters ("mask=ffffffff").
bool MaskKeyWordShape(std::string_view t, const MaskOptions& o, MaskedTokens* out) {
  size_t eq = 0;
  while (eq < t.size() && Is(t[eq], kShapeKey)) ++eq;
  if (eq == t.size() || t[eq] != '=') return false;
  const std::string_view value = t.substr(eq + 1);
  for (char c : value) {
    if (!IsAlpha(c)) return false;
  }
  out->Append(t.substr(0, eq + 1));
  if ((o.mask_booleans && (value == "true" || value == "false" || value == "null")) ||
      (value.size() >= 8 && IsAllHex(value))) {
    out->Append(kWildcard);
  } else {
    out->Append(value);
  }
  return true;
}

// MaskVariableToken, by a fast path when the token has one of their shapes.
void MaskVariableTokenFast(std::string_view token, uint16_t classes, MaskedTokens* out,
                           const MaskOptions& options) {
  if (MaskNumberShape(token, (classes & kEqualsChar) != 0, out)) return;
  if (MaskNameShape(token, classes, options, out)) return;
  if ((classes & kEqualsChar) && MaskKeyWordShape(token, options, out)) return;
  if ((classes & kSlashChar) && MaskPathShape(token, classes, out)) return;
  if ((classes & (kHardSepChar | kSlashChar)) == 0 && MaskWordShape(token, options, out)) return;
  MaskVariableToken(token, classes, out, options);
}

uint16_t ClassesOf(std::string_view t) {
  uint16_t classes = 0;
  for (char c : t) classes |= ClassOf(c);
  return classes;
}

}  // namespace

void MaskOneToken(std::string_view token, std::string* out, const MaskOptions& options) {
  if (token.empty()) return;
  MaskedTokens masked;
  masked.BeginToken();
  const uint16_t classes = ClassesOf(token);
  if (NeedsMasking(token, classes, options)) {
    MaskVariableToken(token, classes, &masked, options);
  } else {
    masked.Append(token);
  }
  masked.EndToken();
  out->append(masked.Joined());
}

void MaskedTokens::AddToken(std::string_view token) {
  BeginToken();
  Append(token);
  EndToken();
}

namespace {

// Three letters packed into an int, for quick name lookups.
constexpr uint32_t Pack3(std::string_view t) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(t[0])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(t[1])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(t[2]));
}

bool IsMonth(std::string_view t) {
  if (t.size() != 3) return false;
  static constexpr uint32_t kMonths[] = {Pack3("Jan"), Pack3("Feb"), Pack3("Mar"), Pack3("Apr"),
                                         Pack3("May"), Pack3("Jun"), Pack3("Jul"), Pack3("Aug"),
                                         Pack3("Sep"), Pack3("Oct"), Pack3("Nov"), Pack3("Dec")};
  const uint32_t key = Pack3(t);
  for (uint32_t m : kMonths) {
    if (key == m) return true;
  }
  return false;
}

bool IsWeekday(std::string_view t) {
  if (t.size() != 3) return false;
  static constexpr uint32_t kDays[] = {Pack3("Mon"), Pack3("Tue"), Pack3("Wed"), Pack3("Thu"),
                                       Pack3("Fri"), Pack3("Sat"), Pack3("Sun")};
  const uint32_t key = Pack3(t);
  for (uint32_t d : kDays) {
    if (key == d) return true;
  }
  return false;
}

bool IsAllDigits(std::string_view t, size_t min_len, size_t max_len) {
  if (t.size() < min_len || t.size() > max_len) return false;
  for (char c : t) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// hh:mm or hh:mm:ss, optionally with a fraction and a trailing comma.
bool IsClockTime(std::string_view t) {
  if (!t.empty() && t.back() == ',') t.remove_suffix(1);
  return t.size() >= 5 && IsDigit(t[0]) && IsDigit(t[1]) && t[2] == ':' && IsDigit(t[3]) &&
         IsDigit(t[4]) && IsNumberLike(t);
}

bool IsTimeZone(std::string_view t) {
  if (t.size() < 3 || t.size() > 4) return false;
  for (char c : t) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

// Reads the next whitespace-separated token at or after *pos.
std::string_view NextToken(std::string_view s, size_t* pos) {
  size_t i = *pos;
  while (i < s.size() && IsSpace(s[i])) ++i;
  size_t begin = i;
  while (i < s.size() && !IsSpace(s[i])) ++i;
  *pos = i;
  return s.substr(begin, i - begin);
}

// A date written over several tokens, "[Fri] Jun 17 07:07:00 [PDT] [2005]", starting with the
// token at `begin`. Returns the end offset of the date or 0 when there is none.
size_t SpelledDateEnd(std::string_view s, size_t begin) {
  size_t pos = begin;
  std::string_view t = NextToken(s, &pos);
  if (IsWeekday(t)) t = NextToken(s, &pos);
  if (!IsMonth(t)) return 0;
  if (!IsAllDigits(NextToken(s, &pos), 1, 2)) return 0;
  if (!IsClockTime(NextToken(s, &pos))) return 0;
  size_t end = pos;
  size_t look = pos;
  std::string_view next = NextToken(s, &look);
  if (IsTimeZone(next)) {
    end = look;
    next = NextToken(s, &look);
  }
  if (IsAllDigits(next, 4, 4)) end = look;
  return end;
}

}  // namespace

namespace {

template <bool kFastPaths>
void MaskTokensImpl(std::string_view message, MaskedTokens* out, const MaskOptions& options) {
  out->Clear();
  size_t previous_begin = 0, previous_size = 0;  // the raw token before the current one
  size_t i = 0;
  const size_t n = message.size();
  while (i < n) {
    while (i < n && (ClassOf(message[i]) & kSpaceChar)) ++i;
    if (i >= n) break;
    size_t begin = i;
    uint16_t classes = 0;
    i = ScanToken(message, i, kChars.classes, uint16_t{kSpaceChar}, &classes,
                  [](uint16_t all, uint16_t c) { return static_cast<uint16_t>(all | c); });
    std::string_view token = message.substr(begin, i - begin);
    const size_t last_token_begin = previous_begin, last_token_size = previous_size;
    previous_begin = begin;
    previous_size = i - begin;
    // "5.2 KB," after a number: the unit belongs to the value, its punctuation stays.
    if (options.join_size_units && !out->empty() && (*out)[out->size() - 1] == kWildcard) {
      size_t unit_end = token.size();
      while (unit_end > 0 && (token[unit_end - 1] == ',' || token[unit_end - 1] == ')' ||
                              token[unit_end - 1] == ';' || token[unit_end - 1] == '.')) {
        --unit_end;
      }
      if (unit_end > 0 && IsSizeUnit(token.substr(0, unit_end)) &&
          IsNumberLike(message.substr(last_token_begin, last_token_size))) {
        out->ExtendLastToken(token.substr(unit_end));
        continue;
      }
    }
    // Month and day names are capitalised: most three-letter words are not, and skip the lists.
    if (options.mask_spelled_dates && token.size() == 3 && token[0] >= 'A' && token[0] <= 'Z' &&
        (IsMonth(token) || IsWeekday(token))) {
      if (size_t end = SpelledDateEnd(message, begin); end > 0) {
        out->AddToken(kWildcard);
        i = end;
        continue;
      }
    }
    out->BeginToken();
    if (!NeedsMasking(token, classes, options)) {
      out->Append(token);
    } else if (kFastPaths) {
      MaskVariableTokenFast(token, classes, out, options);
    } else {
      MaskVariableToken(token, classes, out, options);
    }
    out->EndToken();
  }
}

}  // namespace

void MaskTokens(std::string_view message, MaskedTokens* out, const MaskOptions& options) {
  MaskTokensImpl<true>(message, out, options);
}

void MaskTokensGeneral(std::string_view message, MaskedTokens* out, const MaskOptions& options) {
  MaskTokensImpl<false>(message, out, options);
}

}  // namespace quell::analysis::logmine
