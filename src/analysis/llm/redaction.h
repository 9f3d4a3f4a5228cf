// Redaction before anything reaches a model. Replaced by placeholders:
//  - private keys in PEM form, whole or cut off before their END line ("<private key>");
//  - JWTs ("<jwt>"); Authorization and Proxy-Authorization header values in any letter case,
//    and bearer tokens;
//  - cloud and SaaS keys by their format: AWS access key ids and secret keys, GCP API keys,
//    GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_), Slack tokens (xox*-, xapp-) and
//    webhook URLs, Stripe keys (sk_/rk_/pk_ live and test, whsec_);
//  - the password of `scheme://user:password@host` URLs;
//  - values of password, secret, token, api key, private key, credential and cookie fields in
//    key=value, header or JSON form, JSON-escaped quotes (password=\"x\") included;
//  - e-mail addresses, Quell's own tokens and, optionally, IP addresses.
// Redact the raw value first, then cut or serialise it: a cut can strip the END line of a key
// and serialising escapes the quotes the patterns look for. RedactAndCut does both in that
// order. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace quell::analysis::llm {

std::string Redact(std::string_view text, bool redact_ips = false);

// At most `max_bytes` bytes of `text`, cut at a UTF-8 character boundary.
std::string TruncateUtf8(std::string text, size_t max_bytes);

// Redact(text), then at most `max_bytes` bytes, cut at a UTF-8 character boundary.
std::string RedactAndCut(std::string_view text, size_t max_bytes, bool redact_ips = false);

}  // namespace quell::analysis::llm
