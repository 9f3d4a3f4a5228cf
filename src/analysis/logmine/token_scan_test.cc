#include "analysis/logmine/token_scan.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

namespace quell::analysis::logmine {
namespace {

// A table like the callers': ' ', '\t', '\r' and '\n' stop a token (bit 0x80); every other
// byte is its own value, so that a sum tells which bytes were folded.
constexpr std::array<uint32_t, 256> kTable = [] {
  std::array<uint32_t, 256> t{};
  for (int c = 0; c < 256; ++c) t[static_cast<size_t>(c)] = static_cast<uint32_t>(c) << 8;
  for (char c : {' ', '\t', '\r', '\n'}) t[static_cast<uint8_t>(c)] = 0x80;
  return t;
}();

struct Scan {
  size_t end;
  uint32_t sum;
};

Scan Fast(std::string_view s, size_t from) {
  uint32_t sum = 0;
  const size_t end = ScanToken(s, from, kTable.data(), uint32_t{0x80}, &sum,
                               [](uint32_t a, uint32_t e) { return a + e; });
  return {end, sum};
}

// The plain loop ScanToken replaces.
Scan Plain(std::string_view s, size_t from) {
  uint32_t sum = 0;
  size_t i = from;
  for (; i < s.size(); ++i) {
    const uint32_t e = kTable[static_cast<uint8_t>(s[i])];
    if (e & 0x80) break;
    sum += e;
  }
  return {i, sum};
}

void ExpectSameAsPlainLoop(std::string_view s) {
  for (size_t from = 0; from <= s.size(); ++from) {
    const Scan fast = Fast(s, from), plain = Plain(s, from);
    EXPECT_EQ(fast.end, plain.end) << "'" << s << "' from " << from;
    EXPECT_EQ(fast.sum, plain.sum) << "'" << s << "' from " << from;
  }
}

TEST(TokenScanTest, StopsAtTheFirstBlankAndFoldsTheBytesBeforeIt) {
  const Scan scan = Fast("ab cd", 0);
  EXPECT_EQ(scan.end, 2u);
  EXPECT_EQ(scan.sum, (uint32_t{'a'} + 'b') << 8);
  EXPECT_EQ(Fast("ab cd", 2).end, 2u);  // at a blank: an empty token
  EXPECT_EQ(Fast("ab cd", 3).end, 5u);  // the last token runs to the end
  EXPECT_EQ(Fast("", 0).end, 0u);
}

TEST(TokenScanTest, SameAsThePlainLoopAtEveryBlankPositionAcrossEightByteSteps) {
  // A blank at each offset 0..24 of a 25-byte token (before, at and after the 8-byte steps).
  for (size_t at = 0; at < 25; ++at) {
    std::string s(25, 'x');
    s[at] = ' ';
    ExpectSameAsPlainLoop(s);
  }
}

TEST(TokenScanTest, TrickyInputs) {
  ExpectSameAsPlainLoop("");
  ExpectSameAsPlainLoop(" ");
  ExpectSameAsPlainLoop("line with CRLF\r");
  ExpectSameAsPlainLoop("tab\tseparated\tfields\n");
  ExpectSameAsPlainLoop("no-blank-at-all-in-this-rather-long-token-0123456789");
  ExpectSameAsPlainLoop("UTF-8: Grüße, naïve café – 日本語のログ行 ok");
  ExpectSameAsPlainLoop(std::string("\x01\x02\x7f\x80\xff ctl", 10));
  ExpectSameAsPlainLoop(std::string(5000, 'a') + " " + std::string(3, 'b'));  // very long
}

}  // namespace
}  // namespace quell::analysis::logmine
