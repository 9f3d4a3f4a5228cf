#include "notify/telegram_card.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace quell::notify {
namespace {

constexpr TimeMs kT0 = 1764000000000;  // 2025-11-24T16:00:00Z

model::Incident Incident() {
  model::Incident i;
  i.id = 42;
  i.title = "Redis timeout";
  i.severity = model::Severity::kHigh;
  i.services = {"api-gateway", "redis"};
  i.environment = "prod";
  i.opened_at = kT0;
  i.last_alert_at = kT0 + 5 * kMinuteMs;
  i.alert_count = 3;
  i.firing_count = 2;
  return i;
}

model::Analysis Analysis() {
  model::Analysis a;
  a.root_cause = "Possible Redis connection pool exhaustion after deployment #441";
  a.impact = "Checkout API latency increased significantly";
  a.recommended_actions = {"Rollback deployment #441", "Inspect slow Redis queries",
                           "Increase connection pool size", "A fourth action the card omits"};
  a.confidence = 0.82;
  a.analyzer = "builtin";
  return a;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Compares with tests/testdata/telegram/<name>.html (QUELL_UPDATE_GOLDEN=1 rewrites it).
void ExpectGolden(const std::string& name, const std::string& html) {
  const char* root = std::getenv("QUELL_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  auto path = std::filesystem::path(root) / "tests" / "testdata" / "telegram" / (name + ".html");
  if (std::getenv("QUELL_UPDATE_GOLDEN")) {
    std::ofstream(path) << html;
    return;
  }
  EXPECT_EQ(html, ReadFile(path)) << path;
}

TEST(TelegramCard, ACardSentAgainSaysSoUnderItsStatusAndKeepsItsButtons) {
  const Card plain = RenderCard({Incident(), std::nullopt, "", kT0, {}});
  const Card again = RenderCard({Incident(), std::nullopt, "", kT0, {}, /*sent_again=*/true});
  EXPECT_EQ(plain.html.find("Sent again"), std::string::npos);
  const size_t status = again.html.find("<b>Status:</b>");
  const size_t line = again.html.find("↪️ Sent again: an earlier send was not confirmed\n");
  ASSERT_NE(line, std::string::npos) << again.html;
  EXPECT_LT(status, line);
  EXPECT_LT(line, again.html.find("<b>Services:</b>"));
  EXPECT_EQ(again.keyboard.size(), plain.keyboard.size());
  EXPECT_EQ(again.keyboard[0][0].data, "ack:42");
}

TEST(TelegramCard, ASupersededCopyHasNoButtonsAndPointsToTheCurrentCard) {
  const Card stub = SupersededCard(42);
  EXPECT_TRUE(stub.keyboard.empty());
  EXPECT_TRUE(stub.silent);
  EXPECT_NE(stub.html.find("Superseded"), std::string::npos);
  EXPECT_NE(stub.html.find("#incident42"), std::string::npos);
  EXPECT_NE(stub.html.find("Sent again: an earlier send was not confirmed"), std::string::npos);
  EXPECT_LE(Utf16Length(stub.html), kTelegramTextLimit);
}

TEST(TelegramCard, TriggeredWithAnalysisMatchesGolden) {
  Card card = RenderCard({Incident(), Analysis(), "http://127.0.0.1:8080/incidents/42", kT0, {}});
  ExpectGolden("triggered_with_analysis", card.html);
  ASSERT_EQ(card.keyboard.size(), 2u);
  ASSERT_EQ(card.keyboard[0].size(), 3u);
  EXPECT_EQ(card.keyboard[0][0].data, "ack:42");
  EXPECT_EQ(card.keyboard[0][1].data, "res:42");
  EXPECT_EQ(card.keyboard[0][2].data, "sil:42:3600");
  ASSERT_EQ(card.keyboard[1].size(), 1u);
  EXPECT_EQ(card.keyboard[1][0].data, "slm:42");
  EXPECT_EQ(card.keyboard[1][0].text, "🔇 Silence like this…");
  EXPECT_FALSE(card.silent);  // high severity rings
  EXPECT_EQ(card.html.find("fourth action"), std::string::npos);
}

TEST(TelegramCard, KeyboardFollowsTheState) {
  model::Incident i = Incident();
  i.status = model::IncidentStatus::kAcknowledged;
  i.acked_by = "telegram:@alice";
  Card acked = RenderCard({i, std::nullopt, "", kT0, {}});
  ExpectGolden("acknowledged_no_analysis", acked.html);
  ASSERT_EQ(acked.keyboard[0].size(), 2u);
  EXPECT_EQ(acked.keyboard[0][0].data, "res:42");
  EXPECT_EQ(acked.keyboard[0][1].data, "unack:42");
  ASSERT_EQ(acked.keyboard.size(), 2u);
  EXPECT_EQ(acked.keyboard[1][0].data, "slm:42");

  i.status = model::IncidentStatus::kResolved;
  i.resolved_by = "bob";
  Card resolved = RenderCard({i, std::nullopt, "", kT0, {}});
  ASSERT_EQ(resolved.keyboard.size(), 1u) << "nothing to silence";
  ASSERT_EQ(resolved.keyboard[0].size(), 1u);
  EXPECT_EQ(resolved.keyboard[0][0].data, "reo:42");
  EXPECT_NE(resolved.html.find("Resolved by bob"), std::string::npos);

  i.status = model::IncidentStatus::kTriggered;
  i.silenced_until = kT0 + kHourMs;
  Card silenced = RenderCard({i, std::nullopt, "", kT0, {}});
  EXPECT_EQ(silenced.keyboard[0][2].data, "unsil:42");
  EXPECT_TRUE(silenced.silent);
  EXPECT_NE(silenced.html.find("Silenced until 2025-11-24 17:00 UTC"), std::string::npos);
}

TEST(TelegramCard, SilencedByMatchersItSaysSoRingsNotAndOffersNoSecondSilence) {
  CardInput in{Incident(), std::nullopt, "", kT0, {"a1b2", "c3d4"}};
  Card card = RenderCard(in);
  EXPECT_NE(card.html.find("🔕 Silenced by silence a1b2, c3d4"), std::string::npos) << card.html;
  EXPECT_TRUE(card.silent);
  ASSERT_EQ(card.keyboard.size(), 1u);
  EXPECT_EQ(card.keyboard[0][0].data, "ack:42");
}

TEST(TelegramCard, SilenceLikeThisOffersThreeDurationsAndBack) {
  auto menu = SilenceLikeThisMenu(9223372036854775807);
  ASSERT_EQ(menu.size(), 2u);
  ASSERT_EQ(menu[0].size(), 3u);
  EXPECT_EQ(menu[0][0].text, "🔇 1h");
  EXPECT_EQ(menu[0][1].text, "🔇 4h");
  EXPECT_EQ(menu[0][2].text, "🔇 1d");
  EXPECT_EQ(menu[0][2].data, "sll:9223372036854775807:86400");
  EXPECT_EQ(menu[1][0].data, "slx:9223372036854775807");
  for (const auto& row : menu) {
    for (const auto& button : row) {
      EXPECT_LE(button.data.size(), kCallbackDataLimit);
      EXPECT_TRUE(ParseCallbackData(button.data)) << button.data;
    }
  }
  EXPECT_EQ(SilenceLikeThisDuration("14400"), 4 * kHourMs);
  EXPECT_FALSE(SilenceLikeThisDuration("60"));
  EXPECT_FALSE(ParseCallbackData("sll:42:60")) << "only the offered durations";
  EXPECT_FALSE(ParseCallbackData("sll:42"));
  EXPECT_FALSE(ParseCallbackData("sll:42:3600x"));
  EXPECT_TRUE(ParseCallbackData("slm:42"));
}

TEST(TelegramCard, LowSeveritiesAreSilent) {
  model::Incident i = Incident();
  i.severity = model::Severity::kLow;
  EXPECT_TRUE(RenderCard({i, std::nullopt, "", kT0, {}}).silent);
  i.severity = model::Severity::kCritical;
  EXPECT_FALSE(RenderCard({i, std::nullopt, "", kT0, {}}).silent);
}

TEST(TelegramCard, EscapesEveryValue) {
  model::Incident i = Incident();
  i.title = "<script>alert(\"x\")</script> & co";
  i.services = {"a<b>", "c&d"};
  model::Analysis a = Analysis();
  a.root_cause = "log line: <error code=\"5\"> & more";
  a.analyzer = "ollama:<gemma>";
  Card card = RenderCard({i, a, "http://h/x?a=1&b=\"2\"", kT0, {}});
  ExpectGolden("escaping", card.html);
  EXPECT_EQ(card.html.find("<script>"), std::string::npos);
  EXPECT_NE(card.html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"),
            std::string::npos);
  EXPECT_NE(card.html.find("href=\"http://h/x?a=1&amp;b=&quot;2&quot;\""), std::string::npos);
}

// Every tag opened is closed and no entity is cut: what Telegram's parser needs.
void ExpectWellFormed(const std::string& html) {
  std::vector<std::string> open;
  for (size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '<') {
      size_t end = html.find('>', i);
      ASSERT_NE(end, std::string::npos) << html;
      std::string tag = html.substr(i + 1, end - i - 1);
      if (tag[0] == '/') {
        ASSERT_FALSE(open.empty());
        EXPECT_EQ(open.back(), tag.substr(1));
        open.pop_back();
      } else {
        open.push_back(tag.substr(0, tag.find(' ')));
      }
      i = end;
    } else if (html[i] == '&') {
      size_t end = html.find(';', i);
      ASSERT_NE(end, std::string::npos);
      std::string entity = html.substr(i, end - i + 1);
      EXPECT_TRUE(entity == "&amp;" || entity == "&lt;" || entity == "&gt;" || entity == "&quot;")
          << entity;
    }
  }
  EXPECT_TRUE(open.empty());
}

TEST(TelegramCard, TruncatesAtTheLimitWithoutCuttingTagsOrEntities) {
  model::Analysis a = Analysis();
  a.root_cause.clear();
  for (int k = 0; k < 400; ++k) a.root_cause += "<&> é 😀 ";
  a.impact = std::string(3000, 'x');
  for (size_t limit : {4096u, 700u, 500u, 333u}) {
    Card card = RenderCard({Incident(), a, "http://127.0.0.1:8080/incidents/42", kT0, {}}, limit);
    EXPECT_LE(Utf16Length(card.html), limit);
    ExpectWellFormed(card.html);
    EXPECT_NE(card.html.find("…"), std::string::npos) << limit;
    EXPECT_NE(card.html.find("#incident42"), std::string::npos) << "the link survives";
  }
  Card full = RenderCard({Incident(), a, "", kT0, {}});
  ExpectGolden("truncated", full.html);
}

TEST(TelegramCard, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(EscapeHtml("ok \xff\xfe done"), "ok \xEF\xBF\xBD\xEF\xBF\xBD done");
  EXPECT_EQ(EscapeHtml("cut \xE2\x82"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(EscapeHtml("overlong \xC0\xAF"), "overlong \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(EscapeHtml("€ 😀"), "€ 😀");
}

TEST(TelegramCard, Utf16LengthCountsSurrogatePairs) {
  EXPECT_EQ(Utf16Length("abc"), 3u);
  EXPECT_EQ(Utf16Length("é"), 1u);
  EXPECT_EQ(Utf16Length("😀"), 2u);
}

TEST(TelegramCard, TruncationNeverSplitsACharacterOrEntity) {
  EXPECT_EQ(EscapeHtmlTruncated("abcdef", 10), "abcdef");
  EXPECT_EQ(EscapeHtmlTruncated("abcdef", 4), "abc…");
  EXPECT_EQ(EscapeHtmlTruncated("a&b", 5), "a…");  // "&amp;" does not fit with the ellipsis
  EXPECT_EQ(EscapeHtmlTruncated("😀😀😀", 4), "😀…");
}

TEST(CallbackData, RoundTripsAndRejectsJunk) {
  auto parsed = ParseCallbackData("sil:42:3600");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->verb, "sil");
  EXPECT_EQ(parsed->incident_id, 42);
  EXPECT_EQ(parsed->arg, "3600");
  EXPECT_EQ(FormatCallbackData(*parsed), "sil:42:3600");
  EXPECT_TRUE(ParseCallbackData("ack:9223372036854775807"));
  EXPECT_FALSE(ParseCallbackData("drop:1"));
  EXPECT_FALSE(ParseCallbackData("ack:0"));
  EXPECT_FALSE(ParseCallbackData("ack:-3"));
  EXPECT_FALSE(ParseCallbackData("ack:12x"));
  EXPECT_FALSE(ParseCallbackData("ack"));
  EXPECT_FALSE(ParseCallbackData("ack:1:" + std::string(64, 'a')));  // over 64 bytes
}

}  // namespace
}  // namespace quell::notify
