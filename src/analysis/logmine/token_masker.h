// Tokenizer and typed variable masking for the template miner.
//
// A message (the free-text part of a log line, header already removed) is split on whitespace and
// every token that is, or contains, a variable has that part replaced by the wildcard "<*>":
// numbers (with units such as 10ms or 5.2KB), hex, IPv4 (with port), host:port, MAC addresses,
// UUIDs, paths, URLs, times and dates, and the values of key=value / key:value pairs (including
// true/false/null). Punctuation around a token stays literal: "(uid=0)," becomes "(uid=<*>),".
// The scanners are hand-written (no regex) because this runs on every line.
//
// MaskTokens is a pure function; MaskedTokens is a reusable buffer owned by the caller.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace quell::analysis::logmine {

// Masking rules that can be switched. The defaults are the ones leave-one-system-out selection
// chose (bench/logmine_accuracy_bench.cc --cv, docs/logmine.md).
struct MaskOptions {
  bool keep_names_with_digits = true;  // eth1, ssh2, Slf4jLogger stay words
  bool keep_word_prefix = true;        // node-129 -> node-<*>, core.2275 -> core.<*> (else <*>)
  bool mask_booleans = true;           // true / false / null are values
  bool join_size_units = true;         // "5.2 KB" -> "<*>" (the unit token joins the number)
  bool mask_spelled_dates = true;      // "Fri Jun 17 07:07:00 2005" -> "<*>"
  bool mask_named_endpoints = false;   // www.example.com:443 -> <*> (dotted host, no digit)

  bool operator==(const MaskOptions&) const = default;
};

// The wildcard that stands for one variable in a template.
inline constexpr std::string_view kWildcard = "<*>";

// The tokens of one message after masking. Reuse one instance across lines to avoid allocation.
class MaskedTokens {
 public:
  size_t size() const { return spans_.size(); }
  bool empty() const { return spans_.empty(); }
  // Token i; valid until the next Clear() or Append on this object.
  std::string_view operator[](size_t i) const {
    return std::string_view(text_.data() + spans_[i].begin, spans_[i].size);
  }
  // All tokens joined by single spaces (the template form of the line).
  std::string_view Joined() const { return std::string_view(text_.data(), size_); }

  void Clear() {
    size_ = 0;
    spans_.clear();
  }
  // Appends one token.
  void AddToken(std::string_view token);
  // Building a token in place: BeginToken, Append / PutChar, EndToken.
  void BeginToken() {
    if (!spans_.empty()) PutChar(' ');
    spans_.push_back({static_cast<uint32_t>(size_), 0});
  }
  // Appends text to the token being built. The buffer is a plain array with a size, not a
  // std::string: this runs several times per token of every line, and std::string's append
  // checks more than room.
  void Append(std::string_view s) {
    const size_t n = s.size();
    if (text_.size() - size_ < n) Grow(n);
    CopyShort(s.data(), n, text_.data() + size_);
    size_ += n;
  }
  void PutChar(char c) {
    if (text_.size() == size_) Grow(1);
    text_[size_++] = c;
  }
  // Appends literal text to the last token.
  void ExtendLastToken(std::string_view s) {
    Append(s);
    EndToken();
  }
  void EndToken() { spans_.back().size = static_cast<uint32_t>(size_) - spans_.back().begin; }

 private:
  struct Span {
    uint32_t begin;
    uint32_t size;
  };
  // memcpy, without a call for the short copies most tokens and pieces are: two overlapping
  // loads and stores cover any length from 4 to 8 or 8 to 16 (only the n bytes are read and
  // written).
  static void CopyShort(const char* from, size_t n, char* to) {
    if (n >= 8 && n <= 16) {
      uint64_t head, tail;
      std::memcpy(&head, from, 8);
      std::memcpy(&tail, from + n - 8, 8);
      std::memcpy(to, &head, 8);
      std::memcpy(to + n - 8, &tail, 8);
    } else if (n >= 4 && n < 8) {
      uint32_t head, tail;
      std::memcpy(&head, from, 4);
      std::memcpy(&tail, from + n - 4, 4);
      std::memcpy(to, &head, 4);
      std::memcpy(to + n - 4, &tail, 4);
    } else if (n > 0 && n < 4) {
      to[0] = from[0];
      to[n / 2] = from[n / 2];
      to[n - 1] = from[n - 1];
    } else if (n > 16) {
      std::memcpy(to, from, n);
    }
  }
  void Grow(size_t more) { text_.resize(std::max(2 * text_.size(), size_ + more + 64)); }

  std::vector<char> text_;  // [0, size_) in use; the rest is room
  size_t size_ = 0;
  std::vector<Span> spans_;
};

// Splits `message` on ASCII whitespace and masks variables into `out` (cleared first).
void MaskTokens(std::string_view message, MaskedTokens* out, const MaskOptions& options = {});

// MaskTokens without the fast paths for common token shapes (the general path alone). It gives
// the same tokens; tests compare the two.
void MaskTokensGeneral(std::string_view message, MaskedTokens* out,
                       const MaskOptions& options = {});

// Masks one whitespace-free token, appending the result to `out`. Exposed for tests.
void MaskOneToken(std::string_view token, std::string* out, const MaskOptions& options = {});

}  // namespace quell::analysis::logmine
