// Incident bundles for `quell analyze BUNDLE.json`: a self-contained incident, read into the
// EvidencePack the analysts use. The bundle (all parts optional except alerts):
//   {"alerts":   [generic alert format; labels may carry instance and version],
//    "deploys":  [{service, environment, version | id, commit, author, started_at,
//                  finished_at, status, description, url, instances: [...]}],
//    "logs":     [{service, ts, level, message, instance}],
//    "topology": {"services": {"api": {"depends_on": ["redis"]}}}  (or {"api": ["redis"]})}
// A single alert object is a valid bundle too. Logs are mined into templates per service;
// templates that never occur before the baseline end (the earliest deploy, else 10 minutes
// before the first symptom) are "new", and those whose count afterwards is significantly above
// what the rate before predicts (a Poisson test, anomaly/rate_increase.h) are "surging". Deploys'
// `instances` name the instances that run the new version.
#pragma once

#include <string_view>

#include "analysis/evidence_pack.h"
#include "common/clock.h"
#include "common/status.h"

namespace quell::app {

Result<analysis::EvidencePack> LoadIncidentBundle(std::string_view json, TimeMs now);

// `quell analyze [--llm ollama --model M --llm-url U] FILE` ('-' for stdin): prints the
// Analysis as JSON. Returns the exit code.
struct AnalyzeOptions {
  std::string path;
  std::string llm = "none";  // none | ollama | openai (key from QUELL_LLM_API_KEY, if any)
  std::string model = "gemma4:e4b";
  std::string llm_url = "http://127.0.0.1:11434";
  int timeout_s = 120;
};
int RunAnalyze(const AnalyzeOptions& options);

}  // namespace quell::app
