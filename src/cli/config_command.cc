// `quell config show` and `quell config docs`: the option table (src/config) as text.
#include <cstdio>

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

int RunConfigDocs() {
  std::fputs(config::OptionsMarkdownTable().c_str(), stdout);
  return 0;
}

}  // namespace quell::cli
