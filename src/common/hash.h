// Stable hashes for identities that are stored (fingerprints, template ids) and a secret hash
// for tokens. XXH3-64 output is frozen since xxhash 0.8, so stored values stay valid.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace quell {

uint64_t Xxh3(std::string_view data);

// 16 lowercase hex digits, the way fingerprints are shown everywhere.
std::string Hex16(uint64_t value);

// SHA-256 of the input as 64 lowercase hex digits (token storage).
std::string Sha256Hex(std::string_view data);

// `bytes` cryptographically random bytes as lowercase hex (token generation).
std::string RandomHex(size_t bytes);

// Constant-time equality for secrets.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace quell
