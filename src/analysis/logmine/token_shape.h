// The shape of a header token (with the blanks before it, when the caller includes them): its
// bytes, with every digit standing for any digit. Two tokens of
// one shape (the same length, digits at the same places, the same other bytes) are cut and
// classified alike by the header split (ClassifyHeaderToken looks at where digits are, never at
// their values), so HeaderProfile's plan (header_detector.h) recognises a token of a shape seen
// in the sample by comparing it with the shape eight bytes at a time, instead of scanning and
// classifying it character by character. Immutable; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace quell::analysis::logmine {

class TokenShape {
 public:
  static constexpr size_t kMaxLength = 64;

  TokenShape() = default;
  // The shape of `token`: 1 to kMaxLength bytes, the last of them not a blank (' ', '\t').
  explicit TokenShape(std::string_view token);

  size_t length() const { return length_; }
  // The token with each digit written as '0'; equal for tokens of one shape.
  static std::string Key(std::string_view token);

  // Whether the token that starts at `pos` of `line` has this shape and ends with it: the line
  // ends there or a blank follows. Reads only bytes of `line`.
  bool MatchesAt(std::string_view line, size_t pos) const {
    const size_t end = pos + length_;
    if (end > line.size()) return false;
    if (end < line.size() && line[end] != ' ' && line[end] != '\t') return false;
    const char* at = line.data() + pos;
    if (length_ < 8) {
      // One word, ending with the token when the line has 8 bytes up to there, else starting
      // with it when the line has 8 from there; a short token in a short line is not taken.
      if (end >= 8) return Fits(short_end_, at + length_ - 8);
      if (pos + 8 <= line.size()) return Fits(short_start_, at);
      return false;
    }
    for (size_t w = 0; w < words_; ++w) {
      if (!Fits(words_of_[w], at + words_of_[w].offset)) return false;
    }
    return true;
  }

 private:
  // Eight bytes of the shape. A byte that must equal a character has it in `value` and 0xff in
  // `exact`; a digit has '0' in `value`, 0xf0 in `exact`, 0x06 in `add` and 0x10 in `carry`: a
  // byte XOR '0' is a digit's value 0-9 exactly when its high nibble is 0 and adding 6 to it
  // does not reach 0x10. A byte outside the token is 0 everywhere (any value).
  struct Word {
    int64_t offset = 0;
    uint64_t value = 0, exact = 0, add = 0, carry = 0;
  };
  static bool Fits(const Word& w, const char* at) {
    uint64_t x;
    std::memcpy(&x, at, 8);
    const uint64_t t = x ^ w.value;
    return ((t & w.exact) | (((t & ~w.exact) + w.add) & w.carry)) == 0;
  }
  // The word for token bytes [from, from + 8) (bytes outside the token: any value).
  Word WordAt(std::string_view token, int64_t from) const;

  size_t length_ = 0;
  size_t words_ = 0;  // length_ >= 8: ceil(length_ / 8) words, the last one ending the token
  std::array<Word, kMaxLength / 8> words_of_{};
  Word short_start_, short_end_;  // length_ < 8
};

}  // namespace quell::analysis::logmine
