// The development incident sets (../shared/datasets/incidents: read from there, never copied
// into the repository) as the analyst benchmarks read them: each case's bundle as an evidence
// pack and its label, and the scorers' notion of a right answer. Bench-only, header-only.
#pragma once

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "analysis/evidence_pack.h"
#include "app/incident_bundle.h"
#include "model/analysis.h"

namespace quell::bench {

inline std::string Read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Case {
  std::string set, id, gold;  // gold: service (changerca, nezha) or "true"/"false"
  analysis::EvidencePack pack;
};

inline std::vector<Case> LoadSet(const std::filesystem::path& dir, const std::string& set,
                          const char* gold_field) {
  std::vector<Case> out;
  std::ifstream labels(dir / "labels.jsonl");
  for (std::string line; std::getline(labels, line);) {
    if (line.empty()) continue;
    auto label = boost::json::parse(line).as_object();
    Case c;
    c.set = set;
    c.id = std::string(label.at("case_id").as_string());
    const auto& g = label.at(gold_field);
    c.gold = g.is_bool() ? (g.as_bool() ? "true" : "false") : std::string(g.as_string());
    auto pack = app::LoadIncidentBundle(Read(dir / "bundles" / (c.id + ".json")), 1'900'000'000'000);
    if (!pack) {
      std::fprintf(stderr, "%s/%s: %s\n", set.c_str(), c.id.c_str(), pack.error().ToString().c_str());
      continue;
    }
    c.pack = std::move(*pack);
    out.push_back(std::move(c));
  }
  return out;
}

// The scorer's change-induced rule (../shared/eval/score_incidents.py) on an analysis.
inline bool ChangeInduced(const model::Analysis& a) {
  static const std::regex re(
      R"(\b(deploy\w*|change[sd]?|changing|update[sd]?|updating|upgrade[sd]?|upgrading|roll(ed|ing)?[- ]?out\w*|config\w*|migrat\w*|release[sd]?)\b)",
      std::regex::icase);
  if (!a.deploy_suspects.empty()) return true;
  std::vector<std::string> texts = {a.root_cause};
  for (const auto& s : a.service_suspects) {
    texts.push_back(s.service);
    texts.insert(texts.end(), s.reasons.begin(), s.reasons.end());
    for (const auto& g : s.signals) {
      texts.push_back(g.kind);
      texts.push_back(g.subject);
    }
  }
  return std::any_of(texts.begin(), texts.end(),
                     [](const std::string& t) { return std::regex_search(t, re); });
}

// Whether the analysis answers the case right at top-1: the guilty rollout's service
// (changerca), the root-cause service (nezha).
inline bool Right(const Case& c, const model::Analysis& a) {
  if (c.set == "changerca") return !a.deploy_suspects.empty() && a.deploy_suspects[0].service == c.gold;
  return !a.service_suspects.empty() && a.service_suspects[0].service == c.gold;
}

}  // namespace quell::bench
