#include "analysis/llm/redaction.h"

#include <re2/re2.h>

#include "common/log.h"

namespace quell::analysis::llm {

std::string Redact(std::string_view text, bool redact_ips) {
  std::string out = MaskSecrets(text);  // bearer tokens, Telegram bot tokens
  static const RE2 kKeyValue(
      "(?i)((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|auth)"
      "[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',;&]+");
  static const RE2 kPrivateKey(R"(-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----)");
  static const RE2 kAwsKey(R"(\b(AKIA|ASIA)[0-9A-Z]{16}\b)");
  static const RE2 kQuellToken(R"(\bqk_[0-9a-f]{16,}\b)");
  static const RE2 kEmail(R"(\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b)");
  static const RE2 kIp(R"(\b(?:\d{1,3}\.){3}\d{1,3}\b)");
  RE2::GlobalReplace(&out, kPrivateKey, "<private key>");
  RE2::GlobalReplace(&out, kKeyValue, "\\1<redacted>");
  RE2::GlobalReplace(&out, kAwsKey, "<aws key>");
  RE2::GlobalReplace(&out, kQuellToken, "<token>");
  RE2::GlobalReplace(&out, kEmail, "<email>");
  if (redact_ips) RE2::GlobalReplace(&out, kIp, "<ip>");
  return out;
}

}  // namespace quell::analysis::llm
