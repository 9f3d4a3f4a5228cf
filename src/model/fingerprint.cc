#include "model/fingerprint.h"

#include <cctype>

#include <fmt/format.h>

#include "common/hash.h"

namespace quell::model {
namespace {

constexpr char kSep = '\x1f';

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == ':' || c == '/';
}

}  // namespace

std::string MaskVariableText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (!IsWordChar(text[i])) {
      out += text[i++];
      continue;
    }
    size_t j = i;
    bool has_digit = false;
    while (j < text.size() && IsWordChar(text[j])) {
      has_digit |= std::isdigit(static_cast<unsigned char>(text[j])) != 0;
      ++j;
    }
    // Trailing punctuation ("...timed out.") is not part of the word.
    size_t end = j;
    while (end > i && (text[end - 1] == '.' || text[end - 1] == ':')) --end;
    if (has_digit) {
      out += '#';
    } else {
      out.append(text.substr(i, end - i));
    }
    out.append(text.substr(end, j - end));
    i = j;
  }
  return out;
}

std::string GenericFingerprint(const NormalizedAlert& alert) {
  std::string key = "v1";
  key += kSep;
  key += alert.service;
  key += kSep;
  key += alert.environment;
  key += kSep;
  key += alert.name.empty() ? MaskVariableText(alert.message) : alert.name;
  for (const auto& [name, value] : alert.labels) {  // std::map: sorted by key
    key += kSep;
    key += name;
    key += '=';
    key += value;
  }
  return Hex16(Xxh3(key));
}

std::string AlertmanagerFingerprint(const Labels& labels) {
  uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64 offset basis
  auto mix = [&hash](std::string_view bytes) {
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 1099511628211ULL;  // FNV-1a 64 prime
    }
  };
  for (const auto& [name, value] : labels) {  // std::map: sorted by name
    if (value.empty()) continue;
    mix(name);
    mix("\xff");
    mix(value);
    mix("\xff");
  }
  return fmt::format("{:016x}", hash);
}

}  // namespace quell::model
