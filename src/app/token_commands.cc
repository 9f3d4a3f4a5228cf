// `quell token create | list | revoke` and `quell login-link`: they work on the database
// directly, also beside a running `quell serve` (which sees a revocation within a second:
// http/auth.h). Secrets are printed only by `create` (once) and never otherwise.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "app/app.h"
#include "app/login_link.h"
#include "common/time_format.h"
#include "store/store.h"
#include "store/sessions.h"
#include "store/tokens.h"

namespace quell::app {
namespace {

// The data dir's store, refusing to create one where there is no database (a mistyped
// --data-dir must not look like a store without tokens).
Result<std::unique_ptr<store::Store>> OpenExisting(const config::Config& config) {
  std::error_code ec;
  if (config.store_url.empty() && !std::filesystem::exists(config.data_dir + "/quell.db", ec))
    return Error(InvalidArgument("no Quell database in " + config.data_dir, "data_dir"));
  return OpenDataDir(config);
}

int Fail(const Status& status, int code) {
  std::fprintf(stderr, "quell: %s\n", status.message().c_str());
  return code;
}

// An absolute expiry from "30d" (from now) or an RFC 3339 time.
Result<TimeMs> ParseExpiry(const std::string& text, TimeMs now) {
  if (auto duration = ParseDuration(text); duration && *duration > 0) return now + *duration;
  if (auto at = ParseRfc3339(text)) return *at;
  return Error(InvalidArgument("--expires must be a duration (90m, 30d) or an RFC 3339 time",
                               "expires"));
}

// To the second: "2026-11-24T05:12:02Z"; 0 is `zero`.
std::string ShowTime(TimeMs t, const char* zero) {
  if (t == 0) return zero;
  std::string text = FormatRfc3339(t);
  return text.substr(0, 19) + "Z";
}

}  // namespace

int RunTokenCreate(const config::Config& config, const std::string& name, const std::string& scope,
                   const std::string& expires) {
  auto store = OpenDataDir(config);
  if (!store) return Fail(store.error(), 1);
  SystemClock clock;
  const TimeMs now = clock.Now();
  TimeMs expires_at = 0;
  if (!expires.empty()) {
    auto parsed = ParseExpiry(expires, now);
    if (!parsed) return Fail(parsed.error(), 2);
    expires_at = *parsed;
  }
  auto secret = store::CreateToken(**store, name, scope, now, expires_at);
  if (!secret) return Fail(secret.error(), 2);
  std::printf("%s\n", secret->c_str());
  return 0;
}

int RunTokenList(const config::Config& config) {
  auto store = OpenExisting(config);
  if (!store) return Fail(store.error(), 2);
  auto tokens = (*store)->ListTokens();
  if (!tokens) return Fail(tokens.error(), 1);
  const TimeMs now = SystemClock().Now();
  size_t width = 4;
  for (const auto& t : *tokens) width = std::max(width, t.name.size());
  const int w = static_cast<int>(width);
  std::printf("%-*s  %-6s  %-20s  %-20s  %s\n", w, "NAME", "SCOPE", "CREATED", "LAST USED",
              "EXPIRES");
  for (const auto& t : *tokens) {
    std::string expiry = ShowTime(t.expires_at, "never");
    if (store::TokenExpired(t, now)) expiry += " (expired)";
    std::printf("%-*s  %-6s  %-20s  %-20s  %s\n", w, t.name.c_str(), t.scope.c_str(),
                ShowTime(t.created_at, "-").c_str(), ShowTime(t.last_used_at, "never").c_str(),
                expiry.c_str());
  }
  return 0;
}

int RunTokenRevoke(const config::Config& config, const std::string& name) {
  auto store = OpenExisting(config);
  if (!store) return Fail(store.error(), 2);
  auto revoked = (*store)->DeleteTokens(name);
  if (!revoked) return Fail(revoked.error(), 1);
  if (*revoked == 0) return Fail(InvalidArgument("no token named '" + name + "'", "name"), 1);
  std::printf("revoked token '%s' and ended its dashboard sessions; a running server refuses it "
              "within a second\n",
              name.c_str());
  return 0;
}

int RunLoginLink(const config::Config& config, const std::string& name) {
  auto store = OpenExisting(config);
  if (!store) return Fail(store.error(), 2);
  auto link = NewLoginLink(**store, config, DashboardBase(config), name, SystemClock().Now());
  if (!link) return Fail(link.error(), 2);
  std::printf("%s\n", link->c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "(works once, for %lld minutes)\n",
               static_cast<long long>(store::kLoginCodeTtlMs / kMinuteMs));
  return 0;
}

}  // namespace quell::app
