// Logging setup. The process-wide spdlog logger is the one allowed singleton; code logs with
// spdlog::info(...) etc. Never log secrets: tokens are masked before they reach a message.
#pragma once

#include <string>
#include <string_view>

namespace quell {

// Configures the default logger: level ("debug", "info", "warn", "error") and text or JSON lines.
void SetupLogging(std::string_view level, bool json = false);

// Replaces anything that looks like a bot token or bearer token in `text` by "***".
std::string MaskSecrets(std::string_view text);

}  // namespace quell
