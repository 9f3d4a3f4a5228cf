#include "common/text.h"

#include <gtest/gtest.h>

#include <string>

namespace quell {
namespace {

using namespace std::string_literals;

TEST(StorableUtf8, ValidTextIsUnchanged) {
  for (std::string text : {""s, "plain ascii"s, "ünïcödé “quoted” 日本 🚨"s}) {
    EXPECT_FALSE(NeedsStorableUtf8(text)) << text;
    EXPECT_EQ(ToStorableUtf8(text), text);
  }
}

TEST(StorableUtf8, NulAndInvalidBytesBecomeReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  const struct {
    std::string in, out;
  } cases[] = {
      {"a\0b"s, "a" + fffd + "b"},
      {"\xFF"s, fffd},                            // never in UTF-8
      {"\x80x"s, fffd + "x"},                     // stray continuation byte
      {"\xC0\xAF"s, fffd + fffd},                 // overlong '/'
      {"\xED\xA0\x80"s, fffd + fffd + fffd},      // a surrogate
      {"\xF4\x90\x80\x80"s, fffd + fffd + fffd + fffd},  // past U+10FFFF
      {"ok\xE2\x82"s, "ok" + fffd + fffd},        // truncated at the end
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(NeedsStorableUtf8(c.in));
    EXPECT_EQ(ToStorableUtf8(c.in), c.out);
    EXPECT_FALSE(NeedsStorableUtf8(ToStorableUtf8(c.in)));
  }
}

TEST(ToLowerTest, LowersAsciiLettersOnlyAndLeavesUtf8Alone) {
  EXPECT_EQ(ToLower("Content-Type: Application/JSON"), "content-type: application/json");
  EXPECT_EQ(ToLower("@[`{ 09"), "@[`{ 09");  // the neighbours of A-Z and a-z
  EXPECT_EQ(ToLower("ÄÖÜ Straße"), "ÄÖÜ straße");  // UTF-8 bytes are never changed
  EXPECT_EQ(ToLower(""), "");
  static_assert(ToLowerAscii('Q') == 'q' && ToLowerAscii('q') == 'q' && ToLowerAscii('[') == '[');
}

TEST(HtmlEscapeTest, EscapesTheFourSpecialCharactersAndCopiesTheRest) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x?a=1&b=2">it's</a>)"),
            "&lt;a href=&quot;x?a=1&amp;b=2&quot;&gt;it's&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("&amp;"), "&amp;amp;");  // escaping twice shows the first escape
  EXPECT_EQ(HtmlEscape("naïve ✅"), "naïve ✅");
  EXPECT_EQ(HtmlEscape(""), "");
}

TEST(HtmlEntityTest, OnlyForTheFourSpecialCharacters) {
  EXPECT_EQ(HtmlEntity(U'&'), "&amp;");
  EXPECT_EQ(HtmlEntity(U'<'), "&lt;");
  EXPECT_EQ(HtmlEntity(U'>'), "&gt;");
  EXPECT_EQ(HtmlEntity(U'"'), "&quot;");
  EXPECT_EQ(HtmlEntity(U'\''), "");
  EXPECT_EQ(HtmlEntity(U'a'), "");
  EXPECT_EQ(HtmlEntity(U'\u2026'), "");
}

}  // namespace
}  // namespace quell
