#include "analysis/logmine/token_pattern.h"

#include <algorithm>

namespace quell::analysis::logmine {
namespace {

constexpr std::string_view kStar = "<*>";

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// A kept prefix must end with one of these (an opening bracket, quote or key separator).
bool EndsPrefix(char c) {
  return c == '(' || c == '[' || c == '{' || c == '"' || c == '\'' || c == '=' || c == ':' ||
         c == '@' || c == '#';
}
// A kept suffix must start with one of these (closing bracket, quote or punctuation).
bool StartsSuffix(char c) {
  return c == ')' || c == ']' || c == '}' || c == '"' || c == '\'' || c == ',' || c == ';' ||
         c == ':' || c == '.';
}

// "<*>" at `p`, tested inline: string_view::compare would call memcmp once per character in
// the glob loop below (it runs for every pattern token the similarity scan meets).
bool StarAt(std::string_view pattern, size_t p) {
  return p + 3 <= pattern.size() && pattern[p] == '<' && pattern[p + 1] == '*' &&
         pattern[p + 2] == '>';
}

}  // namespace

bool HasWildcard(std::string_view token) { return token.find(kStar) != std::string_view::npos; }

bool TokenMatches(std::string_view pattern, std::string_view token) {
  size_t star = pattern.find(kStar);
  if (star == std::string_view::npos) return pattern == token;
  // Glob matching with "<*>" as the only metacharacter; classic greedy with one backtrack point.
  size_t p = 0, t = 0;
  size_t back_p = std::string_view::npos, back_t = 0;
  while (t < token.size()) {
    if (StarAt(pattern, p)) {
      p += kStar.size();
      back_p = p;
      back_t = t;
    } else if (p < pattern.size() && pattern[p] == token[t]) {
      ++p;
      ++t;
    } else if (back_p != std::string_view::npos) {
      p = back_p;
      t = ++back_t;
    } else {
      return false;
    }
  }
  while (StarAt(pattern, p)) p += kStar.size();
  return p == pattern.size();
}

std::string MergeTokens(std::string_view a, std::string_view b) {
  if (a == b) return std::string(a);
  if (IsWildcardToken(a) || IsWildcardToken(b)) return std::string(kStar);
  const size_t limit = std::min(a.size(), b.size());
  size_t prefix = 0;
  while (prefix < limit && a[prefix] == b[prefix]) ++prefix;
  while (prefix > 0 && !EndsPrefix(a[prefix - 1])) --prefix;
  size_t suffix = 0;
  while (suffix < limit - prefix && a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  // A suffix with letters or digits (".corp.example", ".yaml") is part of a varying name,
  // not punctuation around it: the whole name is the variable.
  for (size_t i = a.size() - suffix; i < a.size() && suffix > 0; ++i) {
    if (IsAlnum(a[i])) suffix = a.size() - 1 - i;
  }
  while (suffix > 0 && !StartsSuffix(a[a.size() - suffix])) --suffix;
  // Keep the pieces well formed: never cut through a "<*>" of the inputs.
  std::string_view head = a.substr(0, prefix);
  std::string_view tail = a.substr(a.size() - suffix);
  if (head.size() >= 1 && head.back() == '<') head.remove_suffix(1);
  while (!tail.empty() && (tail.front() == '*' || tail.front() == '>')) tail.remove_prefix(1);
  std::string out;
  out.reserve(head.size() + kStar.size() + tail.size());
  out.append(head);
  out.append(kStar);
  out.append(tail);
  return out;
}

bool IsWildcardLike(std::string_view token) {
  size_t i = 0;
  bool star = false;
  while (i < token.size()) {
    if (StarAt(token, i)) {
      star = true;
      i += kStar.size();
      continue;
    }
    if (IsAlnum(token[i])) return false;
    ++i;
  }
  return star;
}

}  // namespace quell::analysis::logmine
