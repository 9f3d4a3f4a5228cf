#include "analysis/llm/redaction.h"

#include <re2/re2.h>

#include <cctype>
#include <cstdlib>
#include <deque>
#include <string>

#include "common/log.h"

namespace quell::analysis::llm {
namespace {

struct Rule {
  Rule(const std::string& p, const char* r) : pattern(p), replacement(r) {}
  RE2 pattern;
  const char* replacement;
};

// In order: whole structures first (a PEM block holds key-value-looking lines), then formats
// that are secrets wherever they appear, then named fields, then personal data.
const std::deque<Rule>& Rules() {
  static const std::deque<Rule>* rules = [] {
    auto* r = new std::deque<Rule>;  // RE2 does not move: a deque never relocates
    // Field names whose value is a secret. No word boundary in front: "db_password" and
    // "client_secret" count too.
    const std::string kSecretField =
        "(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
        "private[_-]?key(?:[_-]?id)?|credentials?|auth|cookie|session[_-]?id)";
    // A quote as it appears raw, or JSON-escaped once or more (\" or \\\").
    const std::string kQuote = "\\\\*[\"']";
    auto add = [r](const std::string& pattern, const char* replacement) {
      r->emplace_back(pattern, replacement);
    };
    // A private key, also when the value was cut before its END line.
    add("-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)"
        "(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)",
        "<private key>");
    add(R"(\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?)", "<jwt>");
    // An Authorization header's whole value, whatever the scheme (Bearer, Basic, Digest, AWS4-...):
    // quoted (JSON), up to the closing quote, escaped quotes inside included; else to the end
    // of the line. The scheme stays: it says what kind of credential was there.
    const std::string header = "(?i)((?:proxy-)?authorization(?:" + kQuote + ")?\\s*[:=]";
    const std::string scheme = "((?:bearer|basic|digest|token|negotiate|ntlm|apikey)[ \\t]+)?";
    add(header + "\\s*\\\\*\")" + scheme + "(?:[^\"\\\\\\r\\n]|\\\\.)*(\"?)",
        "\\1\\2<redacted>\\3");
    add(header + "[ \\t]*)" + scheme + "[^\"'\\\\\\s][^\\r\\n]*", "\\1\\2<redacted>");
    add(R"((?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+)", "\\1<redacted>");
    add(R"(\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}\b)", "<aws key>");
    add(R"(\bAIza[0-9A-Za-z_-]{35})", "<gcp api key>");
    add(R"(\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,}))", "<github token>");
    add(R"(\bxox[abposre]-[A-Za-z0-9-]{8,}|\bxapp-[A-Za-z0-9-]{8,})", "<slack token>");
    add(R"((?i)(https?://hooks\.slack\.com/)(?:services|workflows|triggers)/[A-Za-z0-9/_-]+)",
        "\\1<redacted>");
    add(R"(\b(?:(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{8,}|whsec_[0-9A-Za-z]{16,}))",
        "<stripe key>");
    add(R"(\bqk_[0-9a-f]{16,}\b)", "<token>");
    // scheme://user:password@host keeps the user (it says which account) and hides the password.
    add(R"(\b([A-Za-z][A-Za-z0-9+.-]*://[^/\s:@"'<>]*):[^/\s@"'<>]+@)", "\\1:<redacted>@");
    // password="x y", "password": "x", password=\"x\" (the value up to the closing quote; a
    // placeholder stays) ...
    add("(?i)(" + kSecretField + "(?:" + kQuote + ")?\\s*[:=]\\s*" + kQuote +
            ")[^\"'\\\\\\r\\n<][^\"'\\\\\\r\\n]*",
        "\\1<redacted>");
    // ... then password=x, token: x (up to a space, quote or separator). A placeholder stays.
    add("(?i)(" + kSecretField + "(?:" + kQuote + ")?\\s*[:=]\\s*)" +
            "[^\\s\"'\\\\,;&<][^\\s\"'\\\\,;&]*",
        "\\1<redacted>");
    add(R"(\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b)", "<email>");
    for (const auto& rule : *r)  // a typo in a pattern is a programmer error
      if (!rule.pattern.ok()) std::abort();
    return r;
  }();
  return *rules;
}

bool IsBase64Char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '+';
}

// A 40-character base64 word that looks random is an AWS secret access key even without its
// field name. Paths ("/api/v1/orders/...") are spared: they have lower-case words and slashes.
bool LooksLikeAwsSecret(std::string_view word) {
  if (word.size() != 40) return false;
  int upper = 0, lower = 0, digit = 0, slash = 0;
  size_t segment_start = 0;
  for (size_t i = 0; i <= word.size(); ++i) {
    if (i == word.size() || word[i] == '/') {
      std::string_view segment = word.substr(segment_start, i - segment_start);
      bool all_lower = segment.size() >= 3;
      for (char c : segment) all_lower = all_lower && std::islower(static_cast<unsigned char>(c));
      if (all_lower) return false;
      segment_start = i + 1;
      if (i < word.size()) ++slash;
      continue;
    }
    const auto c = static_cast<unsigned char>(word[i]);
    upper += std::isupper(c) ? 1 : 0;
    lower += std::islower(c) ? 1 : 0;
    digit += std::isdigit(c) ? 1 : 0;
  }
  return upper >= 2 && lower >= 2 && digit >= 1 && slash <= 2;
}

std::string RedactAwsSecrets(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (!IsBase64Char(text[i])) {
      out += text[i++];
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsBase64Char(text[j])) ++j;
    std::string_view word(text.data() + i, j - i);
    const bool padded = j < text.size() && text[j] == '=';
    out += !padded && LooksLikeAwsSecret(word) ? std::string_view("<aws secret>") : word;
    i = j;
  }
  return out;
}

}  // namespace

std::string Redact(std::string_view text, bool redact_ips) {
  std::string out = MaskSecrets(text);  // bearer tokens, Telegram bot tokens
  for (const auto& rule : Rules()) RE2::GlobalReplace(&out, rule.pattern, rule.replacement);
  out = RedactAwsSecrets(out);
  if (redact_ips) {
    static const RE2 kIp(R"(\b(?:\d{1,3}\.){3}\d{1,3}\b)");
    RE2::GlobalReplace(&out, kIp, "<ip>");
  }
  return out;
}

std::string TruncateUtf8(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  // Never split a character: back off over continuation bytes (10xxxxxx).
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text;
}

std::string RedactAndCut(std::string_view text, size_t max_bytes, bool redact_ips) {
  return TruncateUtf8(Redact(text, redact_ips), max_bytes);
}

}  // namespace quell::analysis::llm
