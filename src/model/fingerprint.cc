#include "engine/fingerprint.h"

#include <cctype>

#include "common/hash.h"

namespace quell::engine {
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

std::string GenericFingerprint(const model::NormalizedAlert& alert) {
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

std::string GroupFieldValue(const model::NormalizedAlert& alert, std::string_view field) {
  if (field == "service") return alert.service;
  if (field == "environment") return alert.environment;
  if (field == "name") return alert.name;
  if (field == "source") return alert.source;
  if (field.substr(0, 7) == "labels.") field.remove_prefix(7);
  auto it = alert.labels.find(std::string(field));
  return it == alert.labels.end() ? std::string() : it->second;
}

std::string GroupKey(const model::NormalizedAlert& alert,
                     const std::vector<std::string>& group_by) {
  std::string key;
  for (const auto& field : group_by) {
    if (!key.empty()) key += '|';
    key += field;
    key += '=';
    key += GroupFieldValue(alert, field);
  }
  return key;
}

}  // namespace quell::engine
