// Analysis: what an analyst (the built-in engine or an LLM) concludes about an incident.
// The first five fields are the public contract (root_cause, severity, impact,
// recommended_actions, confidence); the rest say why. Plain data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/alert.h"

namespace quell::model {

// One signal behind a suspect, as data a person (or a test) can check: what was measured, on
// what, against which baseline. `kind` names the signal (own_anomaly, inherited, handed_on,
// new_version, old_version, timing, named_by_alert, rollback, change_text, log_template).
struct Signal {
  std::string kind;
  std::string subject;   // the alert, instance, service or template it is about
  double value = 0;      // what was observed (a metric value, a strength, minutes)
  double baseline = 0;   // what it is compared with (0: no baseline)
  double weight = 0;     // what it added to the suspect's score, before normalisation
};

// A ranked suspect: a deploy (id set) or a service, with a score in [0, 1], the reasons in
// words and the same reasons as data (`signals`).
struct Suspect {
  std::string id;       // deploy id/version; empty for service suspects
  std::string service;
  double score = 0;
  std::vector<std::string> reasons;
  std::vector<Signal> signals;
  std::string version;  // deploy suspects: the version when it differs from the id
};

// One piece of evidence a claim rests on.
struct EvidenceItem {
  std::string kind;    // alert | log_template | log_gap | stack_trace | deploy | metric | topology | similar_incident | knowledge
  std::string ref;     // what it points to: fingerprint, template id, deploy id, incident id...
  std::string detail;  // one human line
};

// How an LLM's answer compares with the built-in analyst's. They agree when they blame the same
// service (top service suspect), the same deploy (top deploy suspect, or neither blames one) and
// their severities are at most one level apart.
struct Agreement {
  bool agree = false;
  bool service = false;
  bool deploy = false;
  bool severity = false;
};

// One step of a tool-using investigation: the tool the model called, with what, and a short
// account of what it got back.
struct ToolStep {
  std::string tool;
  std::string arguments;  // JSON object as text
  std::string result;     // one line: "12 matching lines", "error: ..."
};

struct Analysis {
  std::string root_cause;
  Severity severity = Severity::kUnknown;
  std::string impact;
  std::vector<std::string> recommended_actions;
  double confidence = 0;  // estimated probability that root_cause is right (builtin: calibrated
                          // on labelled incidents, analysis/confidence_calibration.h)
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
  std::string llm_primary;           // "llm" | "builtin": whose answer this is (when both ran)
  std::optional<Agreement> agreement;  // when both answered
  std::vector<Analysis> secondary;   // at most one: the other analyst's whole answer
  std::vector<ToolStep> tool_steps;  // tool-using investigations, in order
};

}  // namespace quell::model
