// Grounding: a model's answer may name only what the evidence names.
//  - Suspects naming a deploy or a service absent from the evidence are dropped (GroundAnalysis).
//  - The free text (root_cause, summary, impact, recommended_actions) is read for names
//    (FindUngroundedNames): a deploy named as "#441", "deploy 441" or "release 2.14.1"; a host,
//    pod or instance written as one ("db-7.prod.internal", "ip-10-0-3-7", "api-7d9f-x2b");
//    a service written as one ("billing-api", "paymentservice", "the billing-api service"). A
//    name neither the pack nor the texts the model read (prompt, tool results) contain is
//    ungrounded; the analyst then asks again once and, failing that, keeps the built-in answer.
// Plain words are never names: "follow-up", "read-only", "3.5x", "p99", "5-minute" pass.
// Pure; EvidenceNames is immutable once built (thread-safe to read).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/evidence_pack.h"
#include "model/analysis.h"

namespace quell::analysis::llm {

// The services, deploys, hosts and words of one incident's evidence.
class EvidenceNames {
 public:
  // Everything `pack` names, plus the words of `seen`: the texts the model read.
  explicit EvidenceNames(const EvidencePack& pack, const std::vector<std::string>& seen = {});

  // Exact names, as suspects must carry them.
  bool HasService(const std::string& service) const { return services_.count(service) > 0; }
  bool HasDeploy(const std::string& id) const { return deploys_.count(id) > 0; }
  // Case-insensitive: a deploy id or version ("v2.14.1" matches "2.14.1"), or an incident id.
  bool HasDeployRef(std::string_view ref) const;
  // Case-insensitive: a word of the evidence, or the start of one up to a '-' ("api-7d9f"
  // names pod "api-7d9f-x2b").
  bool Mentions(std::string_view word) const;
  bool IsService(std::string_view word) const;  // case-insensitive

 private:
  std::set<std::string> services_;        // exact
  std::set<std::string> deploys_;         // exact ids and versions
  std::set<std::string> services_lower_;  // lower-case
  std::set<std::string> deploy_refs_;     // lower-case ids, versions, incident ids
  std::set<std::string> words_;           // lower-case words of every evidence text
};

// Drops suspects that cite deploys or services not in the pack; clamps confidence. Returns how
// many claims were dropped.
int GroundAnalysis(const EvidencePack& pack, model::Analysis& analysis);

// A name in the answer's free text that the evidence does not have.
struct UngroundedName {
  std::string kind;   // deploy | service | host
  std::string name;   // as written (lower-case)
  std::string field;  // root_cause | summary | impact | recommended_actions
};

// The ungrounded names of `answer`'s free text, each once, in the order of the fields above.
std::vector<UngroundedName> FindUngroundedNames(const model::Analysis& answer,
                                                const EvidenceNames& names);

// "service 'mars-rover' (root_cause); deploy '999' (summary)", at most `max` names, "and N more".
std::string DescribeUngrounded(const std::vector<UngroundedName>& names, size_t max = 5);

}  // namespace quell::analysis::llm
