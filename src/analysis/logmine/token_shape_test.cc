#include "analysis/logmine/token_shape.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace quell::analysis::logmine {
namespace {

TEST(TokenShapeTest, MatchesTokensOfItsShapeEndedByABlankOrTheLine) {
  const TokenShape time("12:00:01,001");
  EXPECT_TRUE(time.MatchesAt("23:59:59,999 WARN x", 0));
  EXPECT_TRUE(time.MatchesAt("x 23:59:59,999", 2));
  EXPECT_TRUE(time.MatchesAt("x 23:59:59,999\tWARN", 2));
  EXPECT_FALSE(time.MatchesAt("23:59:59,999, WARN", 0));    // the token goes on
  EXPECT_FALSE(time.MatchesAt("23:59:59.999 WARN", 0));     // another separator
  EXPECT_FALSE(time.MatchesAt("2:59:59,9999 WARN", 0));     // digits elsewhere
  EXPECT_FALSE(time.MatchesAt("a3:59:59,999 WARN", 0));     // a letter for a digit
  EXPECT_FALSE(time.MatchesAt("23:59:59,99", 0));           // the line ends first
  EXPECT_EQ(time.length(), 12u);
  EXPECT_EQ(TokenShape::Key("sshd[11502]:"), "sshd[00000]:");
}

TEST(TokenShapeTest, ADigitPlaceTakesDigitsOnlyAndAnyOtherPlaceItsOwnByte) {
  const TokenShape shape("a1b2c3d4e5f6g7h8i9");  // 18 bytes: three words, the last overlapping
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    std::string digit = "a1b2c3d4e5f6g7h8i9 x", letter = digit, last = digit;
    digit[3] = c;    // '2'
    letter[12] = c;  // 'g'
    last[17] = c;    // '9', in the overlapping word only
    const bool is_digit = c >= '0' && c <= '9';
    EXPECT_EQ(shape.MatchesAt(digit, 0), is_digit) << b;
    EXPECT_EQ(shape.MatchesAt(letter, 0), c == 'g') << b;
    EXPECT_EQ(shape.MatchesAt(last, 0), is_digit) << b;
  }
}

TEST(TokenShapeTest, ShortTokensAreComparedInTheWordAroundThem) {
  const TokenShape level("INFO");
  EXPECT_TRUE(level.MatchesAt("INFO started", 0));          // the word starting with it
  EXPECT_TRUE(level.MatchesAt("12:00:01 INFO", 9));         // the word ending with it
  EXPECT_FALSE(level.MatchesAt("12:00:01 INFA", 9));
  EXPECT_FALSE(level.MatchesAt("12:00:01 INFOS", 9));
  // A short token in a line of fewer than 8 bytes is not taken (the caller cuts it in full).
  EXPECT_FALSE(level.MatchesAt("INFO x", 0));
  const TokenShape dash("-");
  EXPECT_TRUE(dash.MatchesAt("- 1117838570 R02", 0));
  EXPECT_FALSE(dash.MatchesAt("-- 1117838570 R02", 0));
}

// Against the definition: a token matches when its key (digits as '0') is the shape's key and a
// blank or the end of the line follows; short tokens also need 8 bytes of line around them.
TEST(TokenShapeTest, MatchesExactlyTheTokensWithItsKeyOnRandomTokens) {
  const std::string alphabet = "0123456789abcXYZ:.,-_[]()/";
  std::mt19937 rng(18);
  auto draw = [&](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
    return s;
  };
  for (size_t length = 1; length <= TokenShape::kMaxLength; ++length) {
    for (int round = 0; round < 200; ++round) {
      const std::string token = draw(length);
      const TokenShape shape(token);
      std::string other = token;
      if (round % 2 == 0) {  // the same shape with other digits
        for (char& c : other) c = c >= '0' && c <= '9' ? static_cast<char>('0' + rng() % 10) : c;
      } else {  // one byte changed
        other[rng() % length] = alphabet[rng() % alphabet.size()];
      }
      const std::string before = draw(rng() % 10) + " ";
      const char* after[] = {"", " ", "\t", " rest of it", "x", ":"};
      for (const char* tail : after) {
        const std::string line = before + other + tail;
        const size_t end = before.size() + length;
        bool expected = TokenShape::Key(other) == TokenShape::Key(token) &&
                        (end == line.size() || line[end] == ' ' || line[end] == '\t');
        if (length < 8) expected = expected && (end >= 8 || before.size() + 8 <= line.size());
        ASSERT_EQ(shape.MatchesAt(line, before.size()), expected)
            << "token '" << token << "' line '" << line << "'";
      }
    }
  }
}

}  // namespace
}  // namespace quell::analysis::logmine
