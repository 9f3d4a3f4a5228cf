#include "analysis/change_cues.h"

#include <cctype>

#include "common/text.h"

namespace quell::analysis {
namespace {

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Stems that start a change word; `whole` ones must be the whole word ("change", not
// "changelog"; "release" but not "released" is listed separately).
struct Stem {
  std::string_view text;
  bool prefix;  // any word starting with it
};
constexpr Stem kStems[] = {
    {"deploy", true},  {"rollout", true},  {"rollback", true}, {"upgrad", true},
    {"updat", true},   {"migrat", true},   {"config", true},   {"revert", true},
    {"change", false}, {"changes", false}, {"changed", false}, {"changing", false},
    {"release", false}, {"releases", false}, {"released", false},
};

// "roll out", "rolled-out", "rolling back": a roll word followed by out/back.
bool RollPhrase(std::string_view word, std::string_view next) {
  return (word == "roll" || word == "rolled" || word == "rolling") && (next == "out" || next == "back");
}

bool IsStem(std::string_view word) {
  for (const auto& s : kStems)
    if (s.prefix ? word.starts_with(s.text) : word == s.text) return true;
  return false;
}

}  // namespace

std::vector<ChangeCue> FindChangeCues(std::string_view text) {
  std::vector<ChangeCue> out;
  size_t start = 0;
  while (start < text.size()) {
    // One sentence: up to . ! ? followed by white space, or a line break.
    size_t end = start;
    while (end < text.size()) {
      const char c = text[end];
      if (c == '\n') break;
      if ((c == '.' || c == '!' || c == '?') &&
          (end + 1 == text.size() || std::isspace(static_cast<unsigned char>(text[end + 1]))))
        break;
      ++end;
    }
    const std::string_view sentence = text.substr(start, end - start);
    const std::string lower = ToLower(sentence);
    std::string_view prev;
    size_t i = 0;
    std::string found;
    while (i < lower.size() && found.empty()) {
      while (i < lower.size() && !IsWordChar(lower[i])) ++i;
      const size_t w = i;
      while (i < lower.size() && IsWordChar(lower[i])) ++i;
      const std::string_view word(lower.data() + w, i - w);
      if (word.empty()) break;
      if (IsStem(word)) found = std::string(sentence.substr(w, i - w));
      else if (RollPhrase(prev, word)) found = std::string(sentence.substr(w - prev.size() - 1, i - w + prev.size() + 1));
      prev = word;
    }
    if (!found.empty()) {
      std::string s(sentence);
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
      if (s.size() > 240) {
        size_t cut = 237;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
        s = s.substr(0, cut) + "...";
      }
      out.push_back({found, s});
    }
    start = end + 1;
  }
  return out;
}

}  // namespace quell::analysis
