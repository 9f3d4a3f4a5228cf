// The configuration: config::LoadConfig on a TOML file with the input as its content (toml++ and
// every option's setter), or, with the first byte odd, the input as `--set key=value` overrides
// and QUELL_* environment values, one per line. Errors are fine; an exception escaping
// LoadConfig is a finding (quell serve would die on it).
#include <unistd.h>

#include <cstdio>
#include <string>

#include "config/config.h"
#include "fuzz_support.h"

namespace {

// A file in memory (/dev/shm) when there is one: the target writes it on every input.
const std::string& ConfigPath() {
  static const std::string path = [] {
    const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    return std::string(dir) + "/quell-config-fuzz-" + std::to_string(getpid()) + ".toml";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace config = quell::config;
  if (size == 0) return 0;
  const std::string_view body = quell::fuzz::AsText(data + 1, size - 1);
  config::ConfigSources sources;
  if ((data[0] & 1) == 0) {
    std::FILE* f = std::fopen(ConfigPath().c_str(), "wb");
    FUZZ_CHECK(f != nullptr, ConfigPath());
    std::fwrite(body.data(), 1, body.size(), f);
    std::fclose(f);
    sources.file = ConfigPath();
  } else {
    for (std::string_view line : quell::fuzz::Lines(body)) {
      const size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string key(line.substr(0, eq)), value(line.substr(eq + 1));
      if (key.starts_with("QUELL_"))
        sources.env[key] = value;
      else
        sources.overrides.emplace_back(key, value);
    }
  }
  auto loaded = config::LoadConfig(sources);
  if (!sources.file.empty()) std::remove(sources.file.c_str());  // libFuzzer's exit skips destructors
  if (!loaded) FUZZ_CHECK(!loaded.error().message().empty(), "an error without a message");
  return 0;
}
