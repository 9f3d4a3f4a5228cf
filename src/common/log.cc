#include "common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace quell {

void SetupLogging(std::string_view level, bool json) {
  auto logger = spdlog::stderr_color_mt("quell");
  if (json) {
    logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(std::string(level)));
  spdlog::set_default_logger(logger);
}

std::string MaskSecrets(std::string_view text) {
  // Telegram bot tokens look like "<digits>:<35 url-safe chars>", bearer tokens follow "Bearer ".
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  auto is_token_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  };
  while (i < text.size()) {
    if (text.compare(i, 7, "Bearer ") == 0) {
      out += "Bearer ***";
      i += 7;
      // Everything up to the next space or quote: tokens may be JWTs with dots.
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) &&
             text[i] != '"' && text[i] != '\'') ++i;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(text[i])) &&
        (i == 0 || !is_token_char(text[i - 1]))) {
      size_t j = i;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
      if (j - i >= 5 && j < text.size() && text[j] == ':') {
        size_t k = j + 1;
        while (k < text.size() && is_token_char(text[k])) ++k;
        if (k - j - 1 >= 30) {
          out += "***";
          i = k;
          continue;
        }
      }
      out.append(text.substr(i, j - i));
      i = j;
      continue;
    }
    out += text[i++];
  }
  return out;
}

}  // namespace quell
