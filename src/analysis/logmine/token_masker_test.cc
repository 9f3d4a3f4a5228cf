#include "analysis/logmine/token_masker.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

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

TEST(TokenMaskerTest, MasksBooleansAloneOrInPunctuationButNotInsideWords) {
  // A token is looked at for true/false/null only when it holds all the letters of one.
  EXPECT_EQ(Masked("flag true (false) 'null', [TRUE] nullable untrue fuel tune"),
            "flag <*> (<*>) '<*>', [TRUE] nullable untrue fuel tune");
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

TEST(TokenMaskerTest, SplitsTokensAtSeparatorsAndDotRunsOnly) {
  // Single dots stay inside a piece; runs of dots and hard separators cut it, and a '=' makes
  // the piece before it a key. (Outputs of the character-by-character split this one replaced.)
  EXPECT_EQ(Masked("9..4#/=b=#4"), "<*>..<*>#/=b=#<*>");
  EXPECT_EQ(Masked("1=..}=>:>7"), "1=..}=>:><*>");
  EXPECT_EQ(Masked("3\"=6-{-].x("), "<*>\"=<*>{-].x(");
  EXPECT_EQ(Masked("93x...7|6]"), "<*>...<*>|<*>]");
  EXPECT_EQ(Masked("}...]#'#b|9"), "}...]#'#b|<*>");
  EXPECT_EQ(Masked("(a.b.c=1.5..x)"), "(a.b.c=<*>..x)");
}

// The fast paths (numbers with their punctuation and key, words before ':') must give exactly
// what the general path gives, for every option set.
std::vector<MaskOptions> OptionSets() {
  std::vector<MaskOptions> sets(4);
  sets[1].mask_booleans = false;
  sets[2].join_size_units = false;
  sets[2].keep_word_prefix = false;
  sets[3].keep_names_with_digits = false;
  return sets;
}

void ExpectSameAsGeneral(std::string_view message) {
  for (const MaskOptions& options : OptionSets()) {
    MaskedTokens fast, general;
    MaskTokens(message, &fast, options);
    MaskTokensGeneral(message, &general, options);
    ASSERT_EQ(fast.Joined(), general.Joined()) << "message: '" << message << "'";
    ASSERT_EQ(fast.size(), general.size()) << "message: '" << message << "'";
  }
}

TEST(TokenMaskerTest, FastPathsGiveWhatTheGeneralPathGivesOnEveryShape) {
  // Each shape the fast paths take, its near misses that they must leave to the general path,
  // and the same tokens after a number (size units) and with a key.
  const char* tokens[] = {
      // numbers with punctuation
      "0", "42", "007", "42,", "42.", "42:", "42;", "42)", "42).", "42...", "42..", "42.:!?",
      "(42)", "[7]:", "((42))", "<42>", "{42},", "\"42\"", "'42'", "@42", "#42", "|42|",
      "42=", "42=5", "=42", "(=42)", "42..5", "42:5", "42-", "-42", "+42", "42ms", "42KB",
      "0x1f", "42a", "a42", "4.2", "42.0,", ".42", "..42", ":42", "42/", "/42",
      "2005.06.03", "10.0.0.1:80", "10.0.0.1:80,", "(10.0.0.1:80)", "15:16:01", "15:16:01,747",
      "1.5.", "1.5..", "1..5", "1.5:", "1:5:", "1.:5", "1.a", "1.5a", "1:5=2", "[1.5]:", "1.5.6.",
      "x=1.5", "x=1:5,", "1.5:80:", "1/5", "1-5", "1_5", "1.5e3", "1::5", "1.-5",
      // keys with numbers
      "uid=0", "euid=12,", "(uid=0)", "(uid=099)", "rate=438,", "r24=0", "a-b=5", "a_b=5;",
      "12=5", "-17=5", "key=", "key==5", "key=5=", "key=5=6", "key=-5", "key=5a", "key=0x5",
      "key=5.5", "k.ey=5", "a..b=5", "key=5..", "key=5)", "[key=5]", "key=ffffffff",
      "key=true", "key=null,", "=5", "=", "==",
      // words with trailing punctuation
      "error:", "Old:", "New:", "done.", "what?!", "a.b:", "a.b", "a..", "a..:", "a..b:",
      "a.!.", "true:", "false.", "null:", "True:", "trueish:", "nulls.", "a/b:", "/a:",
      "a:b", "a:b:", ":", "::", "...", ".:", "a-b_c:", "-:", "_:", "ssh2:", "ok:5", "x.y.z.",
      "..a:", "a..b", "a.b..c:",
      // names and ids with digits (letters, digits, '_', '-', '.')
      "eth1", "ssh2", "user42", "a1b2", "Slf4jLogger", "blk_123", "blk_-1608", "a_1_2_b_3",
      "node-129", "node-12-3", "jetty-6.1.26", "core.2275", "core.22a", "a.b.1", "eth1.",
      "user42...", "1abc", "12xyz", "10ms", "12.", "1_a", "d8f7a9b0c2", "D8F7A9B0", "d8f7a9b",
      "abcdef12", "abcdefg1", "ab-12-cd-34", "ab-12-cd", "ff-ee-dd-1", "a1-b2-c3-d4", "_a1",
      "-a1", ".a1", "a1..", "a1..b", "a.1.", "x1_", "a-1", "a-", "a-1-", "Ab.12", "a1:",
      // absolute paths
      "/", "/.", "/a", "/a.", "/var/log/app.log", "/var/log/app.log.", "/10.0.0.1:50010",
      "/10.0.0.1:", "/a:b:", "/a/../b", "/a..", "/a/b!?", "/a=b", "/a,b", "/a(1)", "//",
      // keys with word values
      "=", "key=", "a=b", "a_b-c=word", "r24=", "k=true", "k=null", "k=false", "k=TRUE",
      "k=ffffffff", "k=fffffff", "k=abcdefgh", "k=ABCDEF12", "k=ab.c", "k=a1", "k.x=abc",
      "k==a", "k=a=b", "=a", "k=a:", "k=a,", "(k=a)", "k=a)", "k..=a", "k:=a", "k/x=a",
  };
  for (const char* t : tokens) {
    ExpectSameAsGeneral(t);
    ExpectSameAsGeneral(std::string("took 5 ") + t + " then " + t + " KB, x");
    ExpectSameAsGeneral(std::string("5.2 ") + t);
  }
}

TEST(TokenMaskerTest, FastPathsGiveWhatTheGeneralPathGivesOnRandomTokens) {
  // Tokens drawn from the characters the shapes depend on; short enough that every arrangement
  // of a few of them comes up.
  const std::string alphabet = "0123456789abefx_-=.,:;!?()[]<>\"'/@#tlnruTK";
  std::mt19937 rng(18);
  std::string message;
  for (int round = 0; round < 20000; ++round) {
    message.clear();
    const int tokens = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < tokens; ++k) {
      if (k > 0) message.push_back(' ');
      const size_t length = 1 + rng() % 9;
      for (size_t i = 0; i < length; ++i) message.push_back(alphabet[rng() % alphabet.size()]);
    }
    ExpectSameAsGeneral(message);
  }
}

TEST(TokenMaskerTest, FastPathsGiveWhatTheGeneralPathGivesOnRandomNamesAndPaths) {
  // Names with digits, paths and keys with words, long enough for hex ids (8 characters and
  // more).
  const std::string alphabet = "0123456789abcdefgxzABFGZ_-./:.=tru";
  std::mt19937 rng(7);
  std::string message;
  for (int round = 0; round < 20000; ++round) {
    message.clear();
    const int tokens = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < tokens; ++k) {
      if (k > 0) message.push_back(' ');
      const size_t length = 1 + rng() % 14;
      for (size_t i = 0; i < length; ++i) message.push_back(alphabet[rng() % alphabet.size()]);
    }
    ExpectSameAsGeneral(message);
  }
}

TEST(TokenMaskerTest, FastPathsMaskTheirShapes) {
  EXPECT_EQ(Masked("(uid=099) rate=438, [7]: 42... error: done."),
            "(uid=<*>) rate=<*>, [<*>]: <*>... error: done.");
  EXPECT_EQ(Masked("key=5=6 42=5 true: a..b"), "key=5=<*> 42=<*> <*>: a..b");
  EXPECT_EQ(Masked("at 10.0.0.1:80, (15:16:01) 1.5."), "at <*>, (<*>) <*>.");
  EXPECT_EQ(Masked("eth1 user42. blk_-1608 node-129 d8f7a9b0c2 /var/log/x.log: /a"),
            "eth1 <*>. <*> node-<*> <*> <*>: <*>");
}

}  // namespace
}  // namespace quell::analysis::logmine
