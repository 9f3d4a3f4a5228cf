// Helpers shared by the fuzz targets (fuzz/*_fuzz.cc). A target calls a parser's real entry
// point with the input; an error the parser returns is fine, a crash, sanitizer report, leak,
// timeout or a broken invariant (FUZZ_CHECK) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace quell::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void Fail(const char* file, int line, const char* what,
                              const std::string& detail) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s %s\n", file, line, what, detail.c_str());
  std::abort();
}

// Splits on '\n' (a final line without '\n' counts too).
inline std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace quell::fuzz

#define FUZZ_CHECK(cond, detail)                                          \
  do {                                                                    \
    if (!(cond)) ::quell::fuzz::Fail(__FILE__, __LINE__, #cond, (detail)); \
  } while (0)
