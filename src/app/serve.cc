// `quell serve`: process-level wiring (signals, stdout).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/demo.h"
#include "app/login_link.h"
#include "common/log.h"
#include "net/http_client.h"
#include "store/sessions.h"
#include "store/store.h"

namespace quell::app {
namespace {

// The dashboard line. A sign-in link goes to a terminal only: stdout that is a file or a pipe
// ends up in journald or `docker logs`, where a working link must not be. The link holds a
// one-time code, never a token.
void PrintSignIn(App& app, const config::Config& config, uint16_t port, TimeMs now) {
  const std::string base = DashboardBase(config, port);
  if (!::isatty(STDOUT_FILENO)) {
    std::printf(
        "Dashboard: %s/ (for a one-time sign-in link run: quell login-link --data-dir %s)\n",
        base.c_str(), config.data_dir.c_str());
    return;
  }
  auto link = NewLoginLink(app.store(), config, base, "", now);
  if (link)
    std::printf("Dashboard: %s (one-time sign-in link, expires in %lld minutes)\n", link->c_str(),
                static_cast<long long>(store::kLoginCodeTtlMs / kMinuteMs));
  else
    std::printf("Dashboard: %s/ (no sign-in link: %s)\n", base.c_str(),
                link.error().message().c_str());
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
  const std::string base = "http://" + BrowsableHost(host) + ":" + std::to_string(port);
  PrintSignIn(**app, config, static_cast<uint16_t>(port), clock.Now());
  std::fflush(stdout);
  const std::string token = ReadAdminToken(config.data_dir);

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

}  // namespace quell::app
