// `quell serve` and `quell token create`: process-level wiring (signals, stdout).
#include <pthread.h>
#include <signal.h>

#include <cstdio>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "common/log.h"
#include "store/store.h"
#include "store/tokens.h"

namespace quell::app {

int RunServe(const config::Config& config) {
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
  std::printf("Quell is listening on http://%s:%u (data in %s)\n", host.c_str(),
              static_cast<unsigned>((*app)->port()), config.data_dir.c_str());
  std::printf("Authenticate with: -H \"Authorization: Bearer $(cat %s/admin.token)\"\n",
              config.data_dir.c_str());
  std::fflush(stdout);

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
