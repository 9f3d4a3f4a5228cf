#include "analysis/logmine/token_masker.h"

#include <gtest/gtest.h>

namespace quell::analysis::logmine {
namespace {

std::string Masked(std::string_view message) {
  MaskedTokens tokens;
  MaskTokens(message, &tokens);
  return std::string(tokens.Joined());
}

TEST(TokenMaskerTest, MaskedTokensKeepTokensOfEveryLength) {
  // Append copies short tokens without memcpy (4-8 and 8-16 bytes by overlapping words, 1-3 by
  // bytes): every length from 0 to 40 must come through whole, also across the buffer's growth.
  MaskedTokens tokens;
  std::string expected;
  for (size_t n = 0; n <= 40; ++n) {
    std::string token;
    for (size_t k = 0; k < n; ++k) token.push_back(static_cast<char>('a' + (n + k) % 26));
    tokens.AddToken(token);
    if (n > 0) expected.push_back(' ');
    expected += token;
    ASSERT_EQ(tokens[n], token);
  }
  EXPECT_EQ(tokens.Joined(), expected);
  EXPECT_EQ(tokens.size(), 41u);
}

TEST(TokenMaskerTest, KeepsPlainWordsAndNormalisesSpaces) {
  EXPECT_EQ(Masked("  Connection   refused\tby peer "), "Connection refused by peer");
  EXPECT_EQ(Masked(""), "");
}

TEST(TokenMaskerTest, MasksNumbersWithUnitsAndPunctuation) {
  EXPECT_EQ(Masked("timed out after 1500 ms, retry 3."), "timed out after <*> ms, retry <*>.");
  EXPECT_EQ(Masked("took 10000ms and -17 (0.25)"), "took <*> and <*> (<*>)");
  EXPECT_EQ(Masked("estimated size 5.2 KB, free 384.0 B)"), "estimated size <*>, free <*>)");
}

TEST(TokenMaskerTest, MasksNetworkValues) {
  EXPECT_EQ(Masked("from 10.0.0.1 to redis-3.prod:6379 via /10.1.2.3:50010"),
            "from <*> to <*> via <*>");
  EXPECT_EQ(Masked("mac 00:11:43:e3:ba:c3 and FF:F2:9F:16:E2:23"), "mac <*> and <*>");
  EXPECT_EQ(Masked("10.251.30.85:50010:Got exception"), "<*>:Got exception");
}

TEST(TokenMaskerTest, MasksIdsPathsUrlsAndHex) {
  EXPECT_EQ(Masked("req 550e8400-e29b-41d4-a716-446655440000 at 0x7ffe12"), "req <*> at <*>");
  EXPECT_EQ(Masked("open /var/log/app.log and hdfs://nn:9000/x"), "open <*> and <*>");
  EXPECT_EQ(Masked("chdir(/p/gb2/run) failed"), "chdir(<*>) failed");
  EXPECT_EQ(Masked("block blk_-6952295868487656571 done"), "block <*> done");
}

TEST(TokenMaskerTest, MasksKeyValueValuesButKeepsKeys) {
  EXPECT_EQ(Masked("uid=0 euid=0 tty=ssh ruser= r24=0x0ffea4c8"),
            "uid=<*> euid=<*> tty=ssh ruser= r24=<*>");
  EXPECT_EQ(Masked("ready=true,policy=3,ws=null mask=ffffffff"),
            "ready=<*>,policy=<*>,ws=<*> mask=<*>");
  EXPECT_EQ(Masked("lr:00004ed0 overlap:false"), "lr:<*> overlap:<*>");
}

TEST(TokenMaskerTest, KeepsNamesThatContainDigits) {
  EXPECT_EQ(Masked("via interface eth1 port 22 ssh2"), "via interface eth1 port <*> ssh2");
  EXPECT_EQ(Masked("Slf4jLogger started"), "Slf4jLogger started");
  EXPECT_EQ(Masked("node node-129 generating core.2275"), "node node-<*> generating core.<*>");
}

TEST(TokenMaskerTest, CollapsesSpelledDates) {
  EXPECT_EQ(Masked("connection at Fri Jun 17 07:07:00 2005 closed"), "connection at <*> closed");
  EXPECT_EQ(Masked("status=M Fri Jul 01 08:16:53 PDT 2005"), "status=M <*>");
  EXPECT_EQ(Masked("in Jun we ship"), "in Jun we ship");
}

TEST(TokenMaskerTest, MasksDotRunValues) {
  EXPECT_EQ(Masked("illegal instruction......0"), "illegal instruction......<*>");
}

}  // namespace
}  // namespace quell::analysis::logmine
