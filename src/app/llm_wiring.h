// Builds the LLM analyst from the [llm] settings: the client for llm.provider, the start-up
// check of the model server (logged, and kept for /readyz), and the investigation tools wired
// to the store's logs and the deploy source. Part of the composition root.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "analysis/analyst.h"
#include "analysis/llm/llm_analyst.h"
#include "config/config.h"
#include "engine/evidence_builder.h"
#include "metrics/registry.h"
#include "net/http_client.h"
#include "store/store.h"

namespace quell::app {

// Null when llm.provider = none (the built-in analyst works alone). `http`, `builtin`, `store`
// and `evidence` must outlive the result; `metrics` gets the model calls' latency (a
// histogram the result observes: the registry must outlive it too).
std::unique_ptr<analysis::llm::LlmAnalyst> MakeLlmAnalyst(const config::Config& config,
                                                          net::HttpClient& http,
                                                          analysis::Analyst& builtin,
                                                          store::Store& store,
                                                          const engine::EvidenceSources& evidence,
                                                          metrics::Registry& metrics);

// /metrics: what the LLM analyst did (calls, failures, invalid and ungrounded answers, ...).
// `llm` must outlive the registry's scrapes.
void RegisterLlmMetrics(metrics::Registry& metrics, const analysis::llm::LlmAnalyst& llm);

// While the model server is not ready, asks it again every `interval` (a model pulled after
// Quell started shows up in /readyz without a restart); once ready, the model calls keep the
// state fresh. Owns one thread; stops in the destructor. `llm` must outlive it.
class LlmRecheck {
 public:
  LlmRecheck(analysis::llm::LlmAnalyst& llm, TimeMs interval_ms);
  ~LlmRecheck();

 private:
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// search_logs over the stored (mined) log lines: case-insensitive substring, newest first.
std::vector<analysis::LogLineEvidence> SearchStoredLogs(store::Store& store,
                                                        const std::string& service, TimeMs since,
                                                        TimeMs until, const std::string& query,
                                                        int limit);

}  // namespace quell::app
