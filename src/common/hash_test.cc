#include "common/hash.h"

#include <gtest/gtest.h>

#include <string>

namespace quell {
namespace {

using namespace std::string_literals;

// FIPS 180-2 (appendix B) and the empty message: token hashes are stored, so these must hold.
TEST(Sha256HexTest, MatchesTheStandardTestVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// XXH3-64 is frozen since xxHash 0.8 (fingerprints and template ids are stored): the empty
// input's value from the xxHash documentation, and bytes after a NUL still count.
TEST(Xxh3Test, IsTheFrozenXxh3AndHashesEveryByte) {
  EXPECT_EQ(Xxh3(""), 0x2D06800538D394C2ull);
  EXPECT_EQ(Xxh3("abc"), Xxh3("abc"));
  EXPECT_NE(Xxh3("a\0b"s), Xxh3("a\0c"s));
  EXPECT_NE(Xxh3("a\0b"s), Xxh3("a"));
}

TEST(Hex16Test, SixteenLowercaseDigitsWithLeadingZeros) {
  EXPECT_EQ(Hex16(0), "0000000000000000");
  EXPECT_EQ(Hex16(0xABCull), "0000000000000abc");
  EXPECT_EQ(Hex16(0x2D06800538D394C2ull), "2d06800538d394c2");
  EXPECT_EQ(Hex16(~0ull), "ffffffffffffffff");
}

TEST(RandomHexTest, TwoDigitsPerByteLowercaseAndNeverTheSameTwice) {
  const std::string a = RandomHex(16), b = RandomHex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
  EXPECT_NE(a, b);
  EXPECT_EQ(RandomHex(0), "");
}

TEST(ConstantTimeEqualsTest, EqualOnlyForTheSameBytesAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEquals("a\0b"s, "a\0c"s));
}

}  // namespace
}  // namespace quell
