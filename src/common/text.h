// Small text helpers shared by every layer. Pure.
#pragma once

#include <string>
#include <string_view>

namespace quell {

// ASCII lower-casing (bytes >= 0x80 are left alone, so UTF-8 stays valid).
std::string ToLower(std::string_view text);

}  // namespace quell
