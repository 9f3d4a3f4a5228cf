// The option table as text for people: `quell serve --help`, the configuration table of
// docs/operations.md (`quell config docs`) and the effective configuration (`quell config
// show`). All three come from ConfigKeys(), so none can disagree with what LoadConfig does.
#pragma once

#include <string>

#include "config/config.h"

namespace quell::config {

// `quell serve --help`'s footer: how the sources stack, then every option with its variable,
// default and help.
std::string OptionsHelp();

// The Markdown table of every option (key, variable, default, meaning): what docs/operations.md
// holds between kDocsTableBegin and kDocsTableEnd (a test compares them).
std::string OptionsMarkdownTable();
inline constexpr const char* kDocsTableBegin = "<!-- BEGIN options table: quell config docs -->";
inline constexpr const char* kDocsTableEnd = "<!-- END options table -->";

// `quell config show`: every option's effective value and where it came from (default, file,
// env, flag), one line each. Secrets that are set show as kMasked, never in clear.
std::string EffectiveConfigText(const ResolvedConfig& resolved);
inline constexpr const char* kMasked = "********";

}  // namespace quell::config
