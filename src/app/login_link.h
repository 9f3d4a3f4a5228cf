// One-time sign-in links to the dashboard: `quell serve` prints one when its stdout is a
// terminal, `quell login-link` prints one on demand. The link holds a code that works once,
// within store::kLoginCodeTtlMs, never a token.
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"
#include "store/store.h"

namespace quell::app {

// Where a browser reaches the dashboard: public_url when set, else http://HOST:PORT from
// `listen` (a wildcard host is reached through loopback) with `port` in place of its port
// unless 0.
std::string DashboardBase(const config::Config& config, uint16_t port = 0);

// The admin token from DATA_DIR/admin.token, or empty when it is gone or unreadable.
std::string ReadAdminToken(const std::string& data_dir);

// A host a browser can open: a wildcard listen address is reached through loopback.
std::string BrowsableHost(std::string host);

// "BASE/login?code=…" for the token named `name`, or with an empty name for the token in
// DATA_DIR/admin.token. The token must exist, be unexpired and have scope read or admin.
// Errors name no secret.
Result<std::string> NewLoginLink(store::Store& store, const config::Config& config,
                                 const std::string& base, const std::string& name, TimeMs now);

}  // namespace quell::app
