// `quell serve` and `quell token create`: process-level wiring (signals, stdout).
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/demo.h"
#include "common/log.h"
#include "net/http_client.h"
#include "store/store.h"
#include "store/tokens.h"

namespace quell::app {
namespace {

// The admin token from DATA_DIR/admin.token, or empty when it is gone or unreadable.
std::string ReadAdminToken(const std::string& data_dir) {
  std::ifstream in(data_dir + "/admin.token");
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

// A host a browser can open: a wildcard listen address is reached through loopback.
std::string BrowsableHost(std::string host) {
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "[::]" || host == "::") return "[::1]";
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

}  // namespace

int RunServe(const config::Config& config, bool demo) {
  SetupLogging(config.log_level, config.log_json);
  // Block the shutdown signals in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  SystemClock clock;
  auto app = App::Start(config, clock);
  if (!app) {
    spdlog::error("cannot start: {}", app.error().ToString());
    return 1;
  }
  const std::string host = config.listen.substr(0, config.listen.rfind(':'));
  const unsigned port = (*app)->port();
  std::printf("Quell is listening on http://%s:%u (data in %s)\n", host.c_str(), port,
              config.data_dir.c_str());
  std::printf("Authenticate with: -H \"Authorization: Bearer $(cat %s/admin.token)\"\n",
              config.data_dir.c_str());
  // The sign-in link carries the admin token: stdout only (the console), never the log.
  const std::string token = ReadAdminToken(config.data_dir);
  const std::string base = "http://" + BrowsableHost(host) + ":" + std::to_string(port);
  if (!token.empty())
    std::printf("Dashboard: %s/login?token=%s\n", base.c_str(), token.c_str());
  else
    std::printf("Dashboard: %s/login (sign in with an admin or read token)\n", base.c_str());
  std::fflush(stdout);

  if (demo) {
    if (token.empty()) {
      spdlog::error("demo: {}/admin.token is not readable; use a fresh --data-dir",
                    config.data_dir);
    } else {
      net::InitHttpClients();
      auto client = net::NewCurlHttpClient();
      auto incident = LoadDemoScenario(*client, base, token, clock.Now());
      if (!incident) {
        spdlog::error("demo: {}", incident.error().ToString());
      } else {
        std::printf("Demo loaded: incident #%lld is analysed within seconds: %s/#/incidents/%lld\n",
                    static_cast<long long>(*incident), base.c_str(),
                    static_cast<long long>(*incident));
        std::fflush(stdout);
      }
    }
  }

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received {}, shutting down", received == SIGTERM ? "SIGTERM" : "SIGINT");
  (*app)->Stop();
  spdlog::info("stopped cleanly");
  return 0;
}

int RunTokenCreate(const config::Config& config, const std::string& name,
                   const std::string& scope) {
  auto store = OpenDataDir(config);
  if (!store) {
    std::fprintf(stderr, "quell: %s\n", store.error().ToString().c_str());
    return 1;
  }
  SystemClock clock;
  auto secret = store::CreateToken(**store, name, scope, clock.Now());
  if (!secret) {
    std::fprintf(stderr, "quell: %s\n", secret.error().ToString().c_str());
    return 2;
  }
  std::printf("%s\n", secret->c_str());
  return 0;
}

}  // namespace quell::app
