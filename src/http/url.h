// URL target decoding: path and query parameters. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quell::http {

// Decodes %XX escapes (invalid escapes are kept as they are); '+' becomes ' ' if asked
// (query strings).
std::string PercentDecode(std::string_view text, bool plus_is_space);

// "/a%20b?x=1&y=two+words" -> path "/a b", query {{"x","1"},{"y","two words"}}.
void SplitTarget(std::string_view target, std::string& path,
                 std::vector<std::pair<std::string, std::string>>& query);

}  // namespace quell::http
