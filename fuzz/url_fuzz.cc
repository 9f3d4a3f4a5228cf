// URL targets, query strings and cookies: http::PercentDecode, http::SplitTarget (every
// request's path and query) and http::CookieValue (the dashboard's session and CSRF cookies).
#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_support.h"
#include "http/cookies.h"
#include "http/server.h"
#include "http/url.h"

namespace {

using quell::http::PercentDecode;

void CheckTarget(std::string_view target) {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  quell::http::SplitTarget(target, path, query);
  const size_t q = target.find('?');
  FUZZ_CHECK(path == PercentDecode(target.substr(0, q), false), std::string(target));
  FUZZ_CHECK(path.size() <= target.size(), std::string(target));
  if (q == std::string_view::npos) FUZZ_CHECK(query.empty(), std::string(target));
  // Decoding never grows the text, and text without '%' or '+' decodes to itself.
  for (bool plus : {false, true}) {
    const std::string decoded = PercentDecode(target, plus);
    FUZZ_CHECK(decoded.size() <= target.size(), std::string(target));
    if (target.find_first_of("%+") == std::string_view::npos)
      FUZZ_CHECK(decoded == target, std::string(target));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string name = in.ConsumeRandomLengthString(32);
  const std::string target = in.ConsumeRandomLengthString(4096);
  CheckTarget(target);
  // The rest is Cookie headers, one per line.
  quell::http::HttpRequest request;
  const std::string cookies = in.ConsumeRemainingBytesAsString();
  for (std::string_view line : quell::fuzz::Lines(cookies)) request.headers.emplace_back("cookie", line);
  const std::string value = quell::http::CookieValue(request, name);
  FUZZ_CHECK(value.size() <= cookies.size(), value);
  if (!value.empty()) FUZZ_CHECK(cookies.find(value) != std::string::npos, value);
  (void)quell::http::CookieValue(request, quell::http::kSessionCookie);
  (void)quell::http::CookieValue(request, quell::http::kCsrfCookie);
  return 0;
}
