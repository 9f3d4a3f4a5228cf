// Template tokens with embedded wildcards, e.g. "[<*>]", "user=<*>", "<*>,".
//
// When two messages differ in a token, the template keeps what they share around the variable
// (brackets, quotes, a "key=" prefix, trailing punctuation) and puts "<*>" in between, so that
// "[Thunderbird_A8]" and "[Thunderbird_B6]" give "[<*>]". Such a token then matches any token
// that fits it. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace quell::analysis::logmine {

// True when `token` is exactly the wildcard "<*>".
inline bool IsWildcardToken(std::string_view token) { return token == "<*>"; }

// True when `token` contains "<*>" (a wildcard or a pattern).
bool HasWildcard(std::string_view token);

// True when `token` fits `pattern`, where each "<*>" in the pattern matches any text
// (possibly empty). A pattern without "<*>" matches only itself.
bool TokenMatches(std::string_view pattern, std::string_view token);

// The most specific pattern that fits both tokens: their common bracket/key prefix and
// punctuation suffix around "<*>"; "<*>" alone when they share nothing structural.
std::string MergeTokens(std::string_view a, std::string_view b);

// True when the token carries no evidence of a template: only wildcards and punctuation
// ("<*>", "<*>:", "(<*>)"). Similarity ignores such tokens.
bool IsWildcardLike(std::string_view token);

}  // namespace quell::analysis::logmine
