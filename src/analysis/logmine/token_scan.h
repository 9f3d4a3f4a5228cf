// The per-character loop that cuts a whitespace-separated token and sums up its characters,
// shared by header splitting (a tally of digits, letters and classes) and masking (the classes
// of the token's characters OR-ed).
//
// Both run on every character of every line. The loop looks each character up in a 256-entry
// table: an entry with a `stop` bit ends the token, any other entry is folded into the result.
// Eight characters are taken per bounds check (the check and its branch were a quarter of the
// loop's instructions). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace quell::analysis::logmine {

// Scans `s` from `i` up to the first character whose entry in `table` has a bit of `stop`, or
// the end of `s`; folds the entries of the characters before it into *acc with `fold`
// (`*acc = fold(*acc, entry)`). Returns where the scan stopped.
template <typename Entry, typename Fold>
size_t ScanToken(std::string_view s, size_t i, const Entry* table, Entry stop, Entry* acc,
                 Fold fold) {
  const unsigned char* data = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  Entry sum = *acc;
  for (; i + 8 <= n; i += 8) {
    for (size_t k = 0; k < 8; ++k) {
      const Entry e = table[data[i + k]];
      if (e & stop) {
        *acc = sum;
        return i + k;
      }
      sum = fold(sum, e);
    }
  }
  for (; i < n; ++i) {
    const Entry e = table[data[i]];
    if (e & stop) break;
    sum = fold(sum, e);
  }
  *acc = sum;
  return i;
}

}  // namespace quell::analysis::logmine
