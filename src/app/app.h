// App: the composition root. Builds Store, Engine, metrics, the API and the HTTP server from a
// Config, owns them and shuts them down in order (stop accepting, finish in-flight requests,
// drain the Engine, close the Store).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"

namespace quell::store {
class Store;
}  // namespace quell::store
namespace quell::http {
struct RouteInfo;
}  // namespace quell::http

namespace quell::app {

class App {
 public:
  ~App();
  // Opens everything and starts serving. `clock` must outlive the App.
  static Result<std::unique_ptr<App>> Start(const config::Config& config, const Clock& clock);

  uint16_t port() const;
  store::Store& store();
  // The API's route table (include http/router.h to use it): what docs/openapi.json describes.
  std::vector<http::RouteInfo> routes() const;
  // Idempotent: stop accepting, finish in-flight requests, drain the engine, close the store.
  void Stop();

 private:
  App();
  struct Parts;
  static Status StartNotifications(const config::Config& config, const Clock& clock, Parts& p);
  std::unique_ptr<Parts> parts_;
};

// Opens (creating if needed, migrating) the store: PostgreSQL when store.url is set, else SQLite
// in `data_dir`. The data dir is created either way (it holds admin.token).
Result<std::unique_ptr<store::Store>> OpenDataDir(const config::Config& config);

// `quell serve`: start, print where it listens, how to authenticate and the dashboard's sign-in
// link, run until SIGTERM or SIGINT, shut down cleanly. With `demo`, first loads the demo
// scenario (app/demo.h) through the API. Returns the exit code.
int RunServe(const config::Config& config, bool demo = false);

// `quell token create`: prints the new token alone on stdout. `expires` (optional): a
// duration from now ("30d") or an RFC 3339 time. Returns the exit code.
int RunTokenCreate(const config::Config& config, const std::string& name, const std::string& scope,
                   const std::string& expires = "");
// `quell token list`: names, scopes, created, last used and expiry; never a secret.
int RunTokenList(const config::Config& config);
// `quell token revoke`: deletes the tokens named `name` with their dashboard sessions.
int RunTokenRevoke(const config::Config& config, const std::string& name);
// `quell login-link`: prints a one-time dashboard sign-in link for the token named `name`
// (empty: the one in DATA_DIR/admin.token).
int RunLoginLink(const config::Config& config, const std::string& name);

}  // namespace quell::app
