#include "analysis/similar/similar_incidents.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "common/text.h"

namespace quell::analysis::similar {
namespace {

using WordSet = std::set<std::string>;

WordSet TextWords(const IncidentFeatures& f) {
  WordSet out;
  for (auto& w : Words(f.title)) out.insert(w);
  for (const auto& text : f.texts)
    for (auto& w : Words(text)) out.insert(w);
  return out;
}

template <typename Set>
double Jaccard(const Set& a, const Set& b, std::vector<std::string>* shared = nullptr) {
  if (a.empty() || b.empty()) return 0;
  size_t both = 0;
  for (const auto& x : a) {
    if (b.count(x)) {
      ++both;
      if (shared) shared->push_back(x);
    }
  }
  return static_cast<double>(both) / static_cast<double>(a.size() + b.size() - both);
}

std::string Join(const std::vector<std::string>& items, size_t max_items) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < max_items; ++i) out += (i ? ", " : "") + items[i];
  return out;
}

}  // namespace

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  bool has_digit = false;
  auto flush = [&] {
    if (word.size() >= 2 && !has_digit) out.push_back(word);
    word.clear();
    has_digit = false;
  };
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '_') {
      has_digit |= std::isdigit(u) != 0;
      word += ToLowerAscii(c);
    } else {
      flush();
    }
  }
  flush();
  return out;
}

std::vector<SimilarMatch> RankSimilar(const IncidentFeatures& target,
                                      const std::vector<IncidentFeatures>& past, size_t limit,
                                      double min_score) {
  // IDF over the past incidents: words that appear everywhere ("error") weigh little.
  std::vector<WordSet> past_words;
  past_words.reserve(past.size());
  std::unordered_map<std::string, int> document_frequency;
  for (const auto& p : past) {
    past_words.push_back(TextWords(p));
    for (const auto& w : past_words.back()) ++document_frequency[w];
  }
  const double n = static_cast<double>(past.size()) + 1;
  auto idf = [&](const std::string& w) {
    auto it = document_frequency.find(w);
    return std::log(n / (1.0 + (it == document_frequency.end() ? 0 : it->second))) + 1.0;
  };
  const WordSet target_words = TextWords(target);
  double target_norm = 0;
  for (const auto& w : target_words) target_norm += idf(w) * idf(w);
  target_norm = std::sqrt(target_norm);
  const std::set<std::string> target_services(target.services.begin(), target.services.end());
  const std::set<std::string> target_stacks(target.stack_fingerprints.begin(),
                                            target.stack_fingerprints.end());

  std::vector<SimilarMatch> matches;
  for (size_t i = 0; i < past.size(); ++i) {
    const auto& p = past[i];
    if (p.id == target.id) continue;
    // Cosine similarity of binary word vectors weighted by IDF.
    double dot = 0, norm = 0;
    std::vector<std::pair<double, std::string>> shared_words;
    for (const auto& w : past_words[i]) {
      double weight = idf(w);
      norm += weight * weight;
      if (target_words.count(w)) {
        dot += weight * weight;
        shared_words.emplace_back(weight, w);
      }
    }
    double text = target_norm > 0 && norm > 0 ? dot / (target_norm * std::sqrt(norm)) : 0;
    std::vector<std::string> shared_services, shared_stacks;
    double services = Jaccard(target_services,
                              std::set<std::string>(p.services.begin(), p.services.end()),
                              &shared_services);
    double stacks = Jaccard(target_stacks,
                            std::set<std::string>(p.stack_fingerprints.begin(),
                                                  p.stack_fingerprints.end()),
                            &shared_stacks);
    double score = 0.5 * text + 0.3 * services + 0.2 * stacks;
    if (score < min_score) continue;
    SimilarMatch m{p.id, p.title, score, p.resolution_note, {}};
    std::sort(shared_words.rbegin(), shared_words.rend());
    std::vector<std::string> top_words;
    for (const auto& [weight, w] : shared_words) top_words.push_back(w);
    if (!top_words.empty()) m.reasons.push_back("shared words: " + Join(top_words, 6));
    if (!shared_services.empty()) m.reasons.push_back("same services: " + Join(shared_services, 5));
    if (!shared_stacks.empty()) m.reasons.push_back("same crash (stack fingerprint)");
    matches.push_back(std::move(m));
  }
  std::sort(matches.begin(), matches.end(), [](const SimilarMatch& a, const SimilarMatch& b) {
    return a.score != b.score ? a.score > b.score : a.incident_id > b.incident_id;
  });
  if (matches.size() > limit) matches.resize(limit);
  return matches;
}

}  // namespace quell::analysis::similar
