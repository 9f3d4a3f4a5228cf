#include "analysis/logmine/token_shape.h"

namespace quell::analysis::logmine {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

uint64_t Load(const std::array<uint8_t, 8>& bytes) {
  uint64_t x;
  std::memcpy(&x, bytes.data(), 8);
  return x;
}

}  // namespace

std::string TokenShape::Key(std::string_view token) {
  std::string key(token);
  for (char& c : key) c = IsDigit(c) ? '0' : c;
  return key;
}

TokenShape::Word TokenShape::WordAt(std::string_view token, int64_t from) const {
  std::array<uint8_t, 8> value{}, exact{}, add{}, carry{};
  for (int64_t b = 0; b < 8; ++b) {
    const int64_t i = from + b;
    if (i < 0 || i >= static_cast<int64_t>(token.size())) continue;  // outside: any value
    const char c = token[static_cast<size_t>(i)];
    const auto k = static_cast<size_t>(b);
    if (IsDigit(c)) {
      value[k] = '0';
      exact[k] = 0xf0;
      add[k] = 0x06;
      carry[k] = 0x10;
    } else {
      value[k] = static_cast<uint8_t>(c);
      exact[k] = 0xff;
    }
  }
  return {from, Load(value), Load(exact), Load(add), Load(carry)};
}

TokenShape::TokenShape(std::string_view token) : length_(token.size()) {
  if (length_ < 8) {
    short_start_ = WordAt(token, 0);
    short_end_ = WordAt(token, static_cast<int64_t>(length_) - 8);
    return;
  }
  words_ = (length_ + 7) / 8;
  for (size_t w = 0; w + 1 < words_; ++w) words_of_[w] = WordAt(token, static_cast<int64_t>(w * 8));
  words_of_[words_ - 1] = WordAt(token, static_cast<int64_t>(length_) - 8);
}

}  // namespace quell::analysis::logmine
