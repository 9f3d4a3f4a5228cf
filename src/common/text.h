// Small text helpers shared by every layer: ASCII case, UTF-8 validity, HTML escaping. Pure.
#pragma once

#include <string>
#include <string_view>

namespace quell {

// ASCII lower-casing of one byte; any other byte (UTF-8 included) is returned as it is.
constexpr char ToLowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII lower-casing (bytes >= 0x80 are left alone, so UTF-8 stays valid).
std::string ToLower(std::string_view text);

// The length of the valid UTF-8 sequence at the start of `text` (1 to 4), or 0 when it starts
// with an invalid one (a stray continuation byte, an overlong form, a surrogate, a code point
// past U+10FFFF, or a truncated sequence). Empty text: 0.
size_t Utf8SequenceLength(std::string_view text);

// `text` with every NUL byte and every invalid UTF-8 byte replaced by U+FFFD: what a database
// that takes only valid UTF-8 without NUL (PostgreSQL's TEXT) can store. Valid text comes back
// unchanged.
std::string ToStorableUtf8(std::string_view text);
// Whether ToStorableUtf8 would change `text`.
bool NeedsStorableUtf8(std::string_view text);

// The HTML entity for '&', '<', '>' or '"' ("&amp;", ...); empty for every other character.
// The one table of HTML escapes: safe in element text and in double-quoted attribute values.
std::string_view HtmlEntity(char32_t c);

// `text` with '&', '<', '>' and '"' replaced by their entities; every other byte is copied.
std::string HtmlEscape(std::string_view text);

}  // namespace quell
