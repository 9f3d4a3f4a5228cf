// Builds the LLM analyst from the [llm] settings: the client for llm.provider, the start-up
// check of the model server (logged, and kept for /readyz), and the investigation tools wired
// to the store's logs and the deploy source. Part of the composition root.
#pragma once

#include <memory>

#include "analysis/analyst.h"
#include "analysis/llm/llm_analyst.h"
#include "config/config.h"
#include "engine/evidence_builder.h"
#include "net/http_client.h"
#include "store/store.h"

namespace quell::app {

// Null when llm.provider = none (the built-in analyst works alone). `http`, `builtin`, `store`
// and `evidence` must outlive the result.
std::unique_ptr<analysis::llm::LlmAnalyst> MakeLlmAnalyst(const config::Config& config,
                                                          net::HttpClient& http,
                                                          analysis::Analyst& builtin,
                                                          store::Store& store,
                                                          const engine::EvidenceSources& evidence);

// search_logs over the stored (mined) log lines: case-insensitive substring, newest first.
std::vector<analysis::LogLineEvidence> SearchStoredLogs(store::Store& store,
                                                        const std::string& service, TimeMs since,
                                                        TimeMs until, const std::string& query,
                                                        int limit);

}  // namespace quell::app
