// Redaction before anything reaches a model: bearer and API tokens, passwords and secrets in
// key=value or JSON form, private keys, AWS-style keys, e-mail addresses, and (optionally) IP
// addresses are replaced by placeholders. Pure.
#pragma once

#include <string>
#include <string_view>

namespace quell::analysis::llm {

std::string Redact(std::string_view text, bool redact_ips = false);

}  // namespace quell::analysis::llm
