// Analysis: what an analyst (the built-in engine or an LLM) concludes about an incident.
// The first five fields are the public contract (root_cause, severity, impact,
// recommended_actions, confidence); the rest say why. Plain data.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "model/alert.h"

namespace quell::model {

// A ranked suspect: a deploy (id set) or a service, with a score in [0, 1] and the reasons.
struct Suspect {
  std::string id;       // deploy id/version; empty for service suspects
  std::string service;
  double score = 0;
  std::vector<std::string> reasons;
};

// One piece of evidence a claim rests on.
struct EvidenceItem {
  std::string kind;    // alert | log_template | stack_trace | deploy | metric | topology | similar_incident | knowledge
  std::string ref;     // what it points to: fingerprint, template id, deploy id, incident id...
  std::string detail;  // one human line
};

struct Analysis {
  std::string root_cause;
  Severity severity = Severity::kUnknown;
  std::string impact;
  std::vector<std::string> recommended_actions;
  double confidence = 0;  // calibrated probability that root_cause is right
  std::string summary;    // two or three plain sentences
  std::vector<Suspect> deploy_suspects;
  std::vector<Suspect> service_suspects;
  std::vector<EvidenceItem> evidence;
  std::string analyzer;   // "builtin" or "ollama:<model>"
  TimeMs created_at = 0;
  std::string input_hash; // hash of the evidence it was computed from
  // LLM analysts: the (redacted) prompt sent, for audit, and a note on how the answer was used
  // (or why the built-in analysis stands instead).
  std::string llm_prompt;
  std::string llm_note;
};

}  // namespace quell::model
