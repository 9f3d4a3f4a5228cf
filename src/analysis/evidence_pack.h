// EvidencePack: everything an analyst may read about one incident, gathered by the engine from
// the store (or by `quell analyze` from a bundle file). Analysts are pure functions of it: the
// built-in analyst and the LLM analyst read the same pack. Plain data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/deploys/deploy_correlation.h"
#include "analysis/similar/similar_incidents.h"
#include "common/clock.h"
#include "model/alert.h"
#include "model/incident.h"
#include "model/topology.h"

namespace quell::analysis {

// A log template of one service in the incident window.
struct LogTemplateEvidence {
  std::string service;
  uint64_t template_id = 0;
  std::string text;
  std::string level;           // the most severe level seen with it
  uint64_t count = 0;
  TimeMs first_seen = 0;
  TimeMs last_seen = 0;
  bool is_new = false;         // not in the service's baseline
  bool is_surging = false;     // significantly above its baseline rate
  bool baseline_known = true;  // false: no lines before the incident to compare with
  std::vector<std::string> samples;
  std::vector<uint64_t> series;  // counts in equal slices of the window, oldest first
  // Not a template but a note: `count` lines of the service in the window were stored but not
  // mined (the mining queue was full), so its templates here are incomplete; `text` says so.
  bool not_mined = false;
};

// A raw log line kept for stack-trace extraction (error lines and their continuations).
struct LogLineEvidence {
  std::string service;
  TimeMs ts = 0;
  std::string level;
  std::string message;
  std::string instance;
};

struct EvidencePack {
  model::Incident incident;
  std::vector<model::Alert> alerts;
  model::Topology topology;
  std::vector<deploys::DeployFacts> deploys;   // of the services and their dependencies
  std::vector<LogTemplateEvidence> log_templates;
  std::vector<LogLineEvidence> error_lines;    // for stack traces; bounded by the builder
  std::vector<similar::SimilarMatch> similar;  // resolved incidents that look alike
  TimeMs now = 0;
};

}  // namespace quell::analysis
