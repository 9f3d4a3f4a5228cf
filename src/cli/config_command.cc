// `quell config show`, `check` and `docs`: the option table (src/config) as text, and whether
// `quell serve` would take the config.
#include <cstdio>

#include "app/config_objects.h"
#include "cli/commands.h"
#include "config/describe.h"

namespace quell::cli {

int RunConfigShow(const config::ConfigSources& sources) {
  auto resolved = config::ResolveConfig(sources);
  if (!resolved) {
    std::fprintf(stderr, "quell: %s\n", resolved.error().message().c_str());
    return 2;
  }
  std::fputs(config::EffectiveConfigText(*resolved).c_str(), stdout);
  return 0;
}

int RunConfigCheck(const config::ConfigSources& sources) {
  auto config = config::LoadConfig(sources);
  if (!config) {
    std::fprintf(stderr, "quell: %s\n", config.error().message().c_str());
    return 2;
  }
  SystemClock clock;
  auto objects = app::ReadConfigObjects(*config, clock.Now());
  if (!objects) {
    std::fprintf(stderr, "quell: %s\n", objects.error().message().c_str());
    return 2;
  }
  const auto& routes = objects->routes;
  std::printf("ok: %s: %zu user(s), %zu schedule(s), %zu escalation policy(ies), %zu escalation "
              "route(s)%s, %zu maintenance window(s)\n",
              sources.file.empty() ? "(no config file)" : sources.file.c_str(),
              objects->users.size(), objects->schedules.size(), objects->policies.size(),
              routes ? routes->routes.size() : 0,
              routes && !routes->default_policy.empty() ? " and a default" : "",
              objects->maintenance.size());
  return 0;
}

int RunConfigDocs() {
  std::fputs(config::OptionsMarkdownTable().c_str(), stdout);
  return 0;
}

}  // namespace quell::cli
