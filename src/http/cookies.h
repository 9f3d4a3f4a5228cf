// The dashboard's cookies: reading the Cookie header and building Set-Cookie values. Pure
// functions, internal to the http layer.
#pragma once

#include <string>
#include <string_view>

#include "http/server.h"

namespace quell::http {

// The session's random id (HttpOnly: page scripts never see it; the session lives in the store).
inline constexpr std::string_view kSessionCookie = "quell_session";
// The double-submit CSRF value: readable by the page's script, which echoes it in kCsrfHeader.
inline constexpr std::string_view kCsrfCookie = "quell_csrf";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

// The value of cookie `name` in the request's Cookie header(s), or empty.
std::string CookieValue(const HttpRequest& request, std::string_view name);

// A Set-Cookie value scoped to the whole site with SameSite=Strict; `max_age_s` 0 deletes it.
// `secure`: sent over https only (when the dashboard's public URL is https).
std::string SetCookieValue(std::string_view name, std::string_view value, bool http_only,
                           long max_age_s, bool secure = false);

}  // namespace quell::http
