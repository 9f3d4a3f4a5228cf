// Analyst: reads an EvidencePack, returns an Analysis. The built-in analyst (deterministic, no
// model) and the LLM analyst implement it. Implementations are thread-compatible and pure with
// respect to the pack (no store access).
#pragma once

#include "analysis/evidence_pack.h"
#include "common/status.h"
#include "model/analysis.h"

namespace quell::analysis {

class Analyst {
 public:
  virtual ~Analyst() = default;
  virtual Result<model::Analysis> Analyze(const EvidencePack& pack) = 0;
};

// A stable hash of what an analysis depends on (alerts and their states, deploys, templates),
// so an unchanged incident is not re-analysed and its timeline gets no duplicate entry.
std::string EvidenceHash(const EvidencePack& pack);

}  // namespace quell::analysis
