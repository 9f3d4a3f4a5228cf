#include "http/cookies.h"

#include <gtest/gtest.h>

namespace quell::http {
namespace {

HttpRequest WithCookies(std::vector<std::string> headers) {
  HttpRequest request;
  for (auto& h : headers) request.headers.emplace_back("cookie", std::move(h));
  return request;
}

TEST(Cookies, FindsTheNamedCookieAmongOthers) {
  auto request = WithCookies({"theme=dark;  quell_session=qk_abc ; quell_csrf=\"f00d\""});
  EXPECT_EQ(CookieValue(request, kSessionCookie), "qk_abc");
  EXPECT_EQ(CookieValue(request, kCsrfCookie), "f00d");  // quotes dropped
  EXPECT_EQ(CookieValue(request, "theme"), "dark");
  EXPECT_EQ(CookieValue(request, "quell"), "");  // a prefix is not a name
  EXPECT_EQ(CookieValue(WithCookies({}), kSessionCookie), "");
  EXPECT_EQ(CookieValue(WithCookies({"a=1", "quell_csrf=x"}), kCsrfCookie), "x");
  EXPECT_EQ(CookieValue(WithCookies({"broken; quell_csrf="}), kCsrfCookie), "");
}

TEST(Cookies, SetCookieIsSiteWideStrictAndHttpOnlyWhenAsked) {
  EXPECT_EQ(SetCookieValue("quell_session", "qk_1", true, 60),
            "quell_session=qk_1; Path=/; SameSite=Strict; Max-Age=60; HttpOnly");
  EXPECT_EQ(SetCookieValue("quell_csrf", "", false, 0),
            "quell_csrf=; Path=/; SameSite=Strict; Max-Age=0");
  EXPECT_EQ(SetCookieValue("quell_session", "ab", true, 60, /*secure=*/true),
            "quell_session=ab; Path=/; SameSite=Strict; Max-Age=60; HttpOnly; Secure");
}

}  // namespace
}  // namespace quell::http
