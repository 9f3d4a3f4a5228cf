#include "app/options_from.h"

#include <string>

namespace quell::app {

engine::EngineOptions EngineOptionsFrom(const config::Config& c) {
  engine::EngineOptions o;
  o.group_by = c.group_by;
  o.group_window_ms = c.group_window_ms;
  o.max_incident_age_ms = c.max_incident_age_ms;
  o.reopen_window_ms = c.reopen_window_ms;
  o.flap_window_ms = c.flap_window_ms;
  o.flap_threshold = c.flap_threshold;
  o.burst_window_ms = c.burst_window_ms;
  o.auto_resolve = c.auto_resolve;
  o.group_related_services = c.group_related_services;
  o.analyze_delay_ms = c.analyze_delay_ms;
  o.analyze_min_interval_ms = c.analyze_min_interval_ms;
  o.notify_update_delay_ms = c.notify_update_delay_ms;
  o.escalate_after_ms = c.escalate_after_ms;
  return o;
}

Result<http::ServerOptions> ServerOptionsFrom(const config::Config& c) {
  http::ServerOptions o;
  size_t colon = c.listen.rfind(':');
  if (colon == std::string::npos)
    return Error(InvalidArgument("listen must be HOST:PORT", "listen"));
  o.host = c.listen.substr(0, colon);
  if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']')
    o.host = o.host.substr(1, o.host.size() - 2);
  o.port = static_cast<uint16_t>(std::stoi(c.listen.substr(colon + 1)));
  o.threads = c.http_threads;
  o.max_body_bytes = c.max_body_bytes;
  o.max_header_bytes = c.max_header_bytes;
  o.max_connections = c.max_connections;
  o.body_limits = {{"/api/v1/logs", c.logs_max_body_bytes}};
  return o;
}

store::SqliteOptions SqliteOptionsFrom(const config::Config& c) {
  store::SqliteOptions o;
  o.path = c.data_dir + "/quell.db";
  o.synchronous_full = c.sqlite_synchronous_full;
  o.wal_limit_bytes = c.wal_limit_mb << 20;
  return o;
}

store::PgOptions PgOptionsFrom(const config::Config& c) {
  store::PgOptions o;
  o.url = c.store_url;
  o.commit_outcome_wait_ms = c.commit_outcome_wait_ms;
  return o;
}

engine::LogMiningOptions LogMiningOptionsFrom(const config::Config& c) {
  engine::LogMiningOptions o;
  o.retention_ms = c.logs_retention_ms;
  o.max_rows = c.logs_max_rows;
  o.queue_lines = c.logs_mining_queue;
  // On PostgreSQL every node mines every stored line, whichever node stored it.
  o.from_store = !c.store_url.empty();
  return o;
}

analysis::llm::LlmClientOptions LlmClientOptionsFrom(const config::Config& c) {
  analysis::llm::LlmClientOptions o;
  o.provider = c.llm_provider;
  o.url = c.llm_url;
  o.model = c.llm_model;
  o.api_key = c.llm_api_key;
  o.num_ctx = c.llm_num_ctx;
  o.timeout_s = c.llm_timeout_s;
  return o;
}

analysis::llm::LlmOptions LlmOptionsFrom(const config::Config& c) {
  analysis::llm::LlmOptions o;
  o.primary = c.llm_primary == "llm";
  o.concurrency = c.llm_concurrency;
  o.tools = c.llm_tools;
  o.max_tool_steps = c.llm_max_tool_steps;
  o.tools_budget_s = c.llm_tools_budget_s;
  return o;
}

}  // namespace quell::app
