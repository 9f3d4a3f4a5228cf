#include "app/llm_wiring.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>

#include "app/options_from.h"
#include "common/text.h"

namespace quell::app {
namespace {

std::string Lower(std::string_view text) { return ToLower(text); }

}  // namespace

std::vector<analysis::LogLineEvidence> SearchStoredLogs(store::Store& store,
                                                        const std::string& service, TimeMs since,
                                                        TimeMs until, const std::string& query,
                                                        int limit) {
  // The store lists oldest first, a page at a time; keep the newest `limit` matches. Bounded
  // to 20 pages so a model cannot make one call scan everything.
  const std::string needle = Lower(query);
  std::deque<analysis::LogLineEvidence> newest;
  store::LogQuery page{service, since, until, 5000};
  for (int pages = 0; pages < 20; ++pages) {
    auto logs = store.ListLogs(page);
    if (!logs || logs->empty()) break;
    for (const auto& e : *logs) {
      if (!needle.empty() && Lower(e.message).find(needle) == std::string::npos) continue;
      newest.push_back({e.service, e.ts, e.level, e.message, ""});
      if (static_cast<int>(newest.size()) > limit) newest.pop_front();
    }
    if (static_cast<int>(logs->size()) < page.limit) break;
    page.since = logs->back().ts + 1;
  }
  return {newest.rbegin(), newest.rend()};
}

LlmRecheck::LlmRecheck(analysis::llm::LlmAnalyst& llm, TimeMs interval_ms)
    : thread_([this, &llm, interval_ms] {
        std::unique_lock lock(mu_);
        while (!wake_.wait_for(lock, std::chrono::milliseconds(interval_ms),
                               [this] { return stop_; })) {
          if (llm.readiness().ready) continue;
          lock.unlock();
          auto now = llm.CheckServer();
          if (now.ready) spdlog::info("LLM analyst: ready now: {}", now.message);
          lock.lock();
        }
      }) {}

LlmRecheck::~LlmRecheck() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::unique_ptr<analysis::llm::LlmAnalyst> MakeLlmAnalyst(const config::Config& config,
                                                          net::HttpClient& http,
                                                          analysis::Analyst& builtin,
                                                          store::Store& store,
                                                          const engine::EvidenceSources& evidence,
                                                          metrics::Registry& metrics) {
  if (config.llm_provider == "none") {
    spdlog::info("LLM analyst: none configured (llm.provider = none); using the built-in analyst");
    return nullptr;
  }
  analysis::llm::LlmClientOptions c = LlmClientOptionsFrom(config);
  auto client = analysis::llm::NewLlmClient(http, c);
  if (!client) {  // the config validates the provider; this is a programmer error
    spdlog::error("LLM analyst: {}; using the built-in analyst", client.error().message());
    return nullptr;
  }
  analysis::llm::LlmOptions o = LlmOptionsFrom(config);
  metrics::HistogramValue& latency = metrics.Histogram(
      "quell_llm_request_duration_seconds", "Model calls, answered or not, by how long they took.",
      {0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300});
  o.on_call = [&latency](double seconds) { latency.Observe(seconds); };
  analysis::llm::InvestigationSources sources;
  if (o.tools) {
    sources.search_logs = [&store](const std::string& service, TimeMs since, TimeMs until,
                                   const std::string& query, int limit) {
      return SearchStoredLogs(store, service, since, until, query, limit);
    };
    sources.list_deploys = evidence.deploys;
  }
  auto analyst = std::make_unique<analysis::llm::LlmAnalyst>(std::move(*client), builtin, o,
                                                             std::move(sources));
  auto ready = analyst->CheckServer();
  spdlog::info("LLM analyst: {} {} at {} ({} answer is primary; {} call(s) at once{}){}",
               c.provider, c.model, c.url, o.primary ? "its" : "the built-in", o.concurrency,
               o.tools ? "; tools on" : "",
               ready.ready ? "; " + ready.message
                           : "; not ready: " + ready.message +
                                 " (the built-in analysis is used until it is)");
  return analyst;
}

void RegisterLlmMetrics(metrics::Registry& metrics, const analysis::llm::LlmAnalyst& llm) {
  const analysis::llm::LlmCounters& c = llm.counters();
  auto counter = [&](const char* name, const char* help, const std::atomic<uint64_t>& value) {
    metrics.CounterFn(name, help, [&value] { return static_cast<double>(value.load()); });
  };
  counter("quell_llm_requests_total", "Model calls.", c.calls);
  counter("quell_llm_request_failures_total",
          "Model calls without an answer (server, network, timeout).", c.failed_calls);
  counter("quell_llm_invalid_answers_total", "Model answers that were not the Analysis JSON.",
          c.invalid_answers);
  counter("quell_llm_grounding_failures_total",
          "Model answers naming services, hosts or deploys absent from the evidence.",
          c.ungrounded_answers);
  counter("quell_llm_claims_dropped_total",
          "Suspects dropped from used answers because the evidence lacks them.", c.dropped_claims);
  counter("quell_llm_analyses_total", "Analyses that used the model's answer.", c.answered);
  counter("quell_llm_fallbacks_total",
          "Analyses where the model's answer was not used and the built-in one stood alone.",
          c.fallbacks);
}

}  // namespace quell::app
