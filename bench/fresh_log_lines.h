// FreshLogLines: endless log lines built from the templates of the ten Loghub-2k systems, with a
// fresh value in every variable slot, so that a miner's exact-signature cache never sees a line
// twice. The templates and the shapes of their values are read at run time from the datasets'
// *_structured_corrected.csv (research licence: never copied into the repository).
//
// Each line starts from a random real line: its header is kept with every digit redrawn (each at
// most the original digit, so months, hours and minutes stay in range), and its message is the
// line's ground-truth template with every <*> replaced by a redrawn copy of the value the real
// line had there: digits become random digits, hex stays hex, and a value without digits (a
// host name, user name or path) gets random letters in the same case with its punctuation kept,
// unless that slot of that template shows at most two different words in the real data (true /
// false, a state pair): such a slot keeps drawing from its real words, as the system would.
// Header-only because each bench/*_bench.cc builds alone.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/logmine/csv.h"
#include "common/status.h"

namespace quell::bench {

inline bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

class FreshLogLines {
 public:
  // Reads the ten datasets under `data_dir`; fails when none can be read.
  static Result<FreshLogLines> Load(const std::string& data_dir,
                                    const std::vector<std::string>& names, uint64_t seed);

  // Appends one new line (without '\n') to `out`.
  void Next(std::string* out) {
    const Source& s = sources_[rng_() % sources_.size()];
    AppendHeader(s.header, out);
    out->append(s.literals[0]);
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (s.choices[i].empty()) {
        AppendValue(s.values[i], out);
      } else {
        out->append(s.choices[i][rng_() % s.choices[i].size()]);
      }
      out->append(s.literals[i + 1]);
    }
  }

  size_t source_lines() const { return sources_.size(); }
  size_t skipped_lines() const { return skipped_; }

 private:
  // One real line, cut into what stays and what gets redrawn.
  struct Source {
    std::string header;                  // raw text before the message
    std::vector<std::string> literals;   // template pieces between the slots (slots + 1)
    std::vector<std::string> values;     // the real values in the slots
    std::vector<std::vector<std::string>> choices;  // per slot: real words to draw from, if few
  };
  // Marks the word-only slots of each template that show at most two different words.
  static void FindEnumerations(std::vector<Source>::iterator begin,
                               std::vector<Source>::iterator end);

  explicit FreshLogLines(uint64_t seed) : rng_(seed) {}
  static bool Split(std::string_view raw, std::string_view content, std::string_view tmpl,
                    Source* out);

  void AppendHeader(std::string_view header, std::string* out) {
    for (char c : header) out->push_back(IsDigit(c) ? Digit(c) : c);
  }
  void AppendValue(std::string_view value, std::string* out) {
    bool digits = false, hex = true;
    for (char c : value) {
      digits |= IsDigit(c);
      hex &= !IsLetter(c) || (c | 0x20) <= 'f' || (c | 0x20) == 'x';
    }
    for (char c : value) {
      if (IsDigit(c)) {
        out->push_back(Digit('9'));
      } else if (IsLetter(c) && (!digits || (hex && (c | 0x20) <= 'f'))) {
        // Words get any letter; hex digits stay hex digits. Case is kept.
        const char base = (c >= 'a') ? 'a' : 'A';
        out->push_back(static_cast<char>(base + rng_() % (digits ? 6 : 26)));
      } else {
        out->push_back(c);
      }
    }
  }
  static std::string CollapseSpaces(std::string_view text) {
    std::string out;
    for (char c : text) {
      if (c != ' ' || out.empty() || out.back() != ' ') out.push_back(c);
    }
    return out;
  }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  static bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
  char Digit(char at_most) { return static_cast<char>('0' + rng_() % (at_most - '0' + 1)); }

  std::vector<Source> sources_;
  size_t skipped_ = 0;  // real lines whose template does not fit their content
  std::mt19937_64 rng_;
};

// Cuts a real line into its header, the template's literal pieces and the values in its slots.
// Slots take the shortest text up to the next literal piece; false when the template does not
// fit the content or the content is not the end of the raw line.
inline bool FreshLogLines::Split(std::string_view raw, std::string_view content,
                                 std::string_view tmpl, Source* out) {
  // Loghub's Content drops trailing spaces that the raw line has.
  while (!raw.empty() && raw.back() <= ' ') raw.remove_suffix(1);
  while (!content.empty() && content.back() <= ' ') content.remove_suffix(1);
  while (!tmpl.empty() && tmpl.back() <= ' ') tmpl.remove_suffix(1);
  if (content.empty() || raw.size() < content.size() ||
      raw.substr(raw.size() - content.size()) != content) {
    return false;
  }
  out->header = std::string(raw.substr(0, raw.size() - content.size()));
  // Loghub templates collapse runs of spaces; so does the generated message.
  const std::string content_text = CollapseSpaces(content), tmpl_text = CollapseSpaces(tmpl);
  content = content_text;
  tmpl = tmpl_text;
  constexpr std::string_view kSlot = "<*>";
  for (size_t from = 0;;) {
    size_t at = tmpl.find(kSlot, from);
    out->literals.emplace_back(tmpl.substr(from, at == std::string_view::npos ? at : at - from));
    if (at == std::string_view::npos) break;
    from = at + kSlot.size();
  }
  const std::vector<std::string>& lit = out->literals;
  if (content.substr(0, lit.front().size()) != lit.front()) return false;
  if (lit.size() == 1) return content == lit.front();
  size_t pos = lit.front().size();
  const size_t end = content.size() - lit.back().size();
  if (content.size() < lit.back().size() || content.substr(end) != lit.back() || end < pos) {
    return false;
  }
  for (size_t k = 1; k + 1 < lit.size(); ++k) {
    size_t at = content.find(lit[k], pos);
    if (at == std::string_view::npos || at + lit[k].size() > end) return false;
    out->values.emplace_back(content.substr(pos, at - pos));
    pos = at + lit[k].size();
  }
  out->values.emplace_back(content.substr(pos, end - pos));
  out->choices.resize(out->values.size());
  return true;
}

inline void FreshLogLines::FindEnumerations(std::vector<Source>::iterator begin,
                                            std::vector<Source>::iterator end) {
  // (template, slot) -> the distinct words seen there; a value with a digit rules the slot out.
  std::map<std::pair<std::vector<std::string>, size_t>, std::set<std::string>> words;
  std::set<std::pair<std::vector<std::string>, size_t>> not_words;
  for (auto s = begin; s != end; ++s) {
    for (size_t i = 0; i < s->values.size(); ++i) {
      const std::string& v = s->values[i];
      const bool word = !v.empty() && std::none_of(v.begin(), v.end(), IsDigit);
      if (word) {
        words[{s->literals, i}].insert(v);
      } else {
        not_words.insert({s->literals, i});
      }
    }
  }
  for (auto s = begin; s != end; ++s) {
    for (size_t i = 0; i < s->values.size(); ++i) {
      auto it = words.find({s->literals, i});
      if (it == words.end() || it->second.size() > 2 || not_words.count({s->literals, i}) > 0) {
        continue;
      }
      s->choices[i].assign(it->second.begin(), it->second.end());
    }
  }
}

inline Result<FreshLogLines> FreshLogLines::Load(const std::string& data_dir,
                                                 const std::vector<std::string>& names,
                                                 uint64_t seed) {
  FreshLogLines gen(seed);
  for (const std::string& name : names) {
    const std::string base = data_dir + "/" + name + "/" + name + "_2k.log";
    std::string log, csv;
    if (!ReadWholeFile(base, &log) || !ReadWholeFile(base + "_structured_corrected.csv", &csv)) {
      return Error(NotFound("cannot read " + base));
    }
    auto rows = analysis::logmine::ParseCsv(csv);
    if (!rows) return Error(rows.error());
    auto content = analysis::logmine::CsvColumn(*rows, "Content");
    auto tmpl = analysis::logmine::CsvColumn(*rows, "EventTemplate");
    if (!content || !tmpl) return Error(InvalidArgument(name + ": no Content/EventTemplate"));
    const size_t first = gen.sources_.size();
    std::string_view text = log;
    for (size_t i = 0, start = 0; i < content->size() && start < text.size(); ++i) {
      size_t nl = std::min(text.find('\n', start), text.size());
      std::string_view raw = text.substr(start, nl - start);
      start = nl + 1;
      Source source;
      if (Split(raw, (*content)[i], (*tmpl)[i], &source)) {
        gen.sources_.push_back(std::move(source));
      } else {
        ++gen.skipped_;
      }
    }
    FindEnumerations(gen.sources_.begin() + static_cast<std::ptrdiff_t>(first), gen.sources_.end());
  }
  if (gen.sources_.empty()) return Error(NotFound("no usable lines under " + data_dir));
  return gen;
}

}  // namespace quell::bench
