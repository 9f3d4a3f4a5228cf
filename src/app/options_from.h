// The options struct of each layer, built from the Config (layers below app never see Config).
// Each builder starts from the struct's own defaults and copies what the Config sets; for the
// default Config the result equals the struct's defaults (options_from_test.cc), so a default
// written twice cannot drift apart.
#pragma once

#include "analysis/llm/llm_analyst.h"
#include "analysis/llm/llm_client.h"
#include "common/status.h"
#include "config/config.h"
#include "engine/engine.h"
#include "engine/log_mining.h"
#include "http/server.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace quell::app {

engine::EngineOptions EngineOptionsFrom(const config::Config& c);
// Fails when `listen` is not HOST:PORT (the config checks it; this is the last line).
Result<http::ServerOptions> ServerOptionsFrom(const config::Config& c);
// The database in data_dir (OpenDataDir creates the directory).
store::SqliteOptions SqliteOptionsFrom(const config::Config& c);
// The PostgreSQL database of store.url (used when it is set).
store::PgOptions PgOptionsFrom(const config::Config& c);
// Without on_not_mined (App::Start wires it to /metrics).
engine::LogMiningOptions LogMiningOptionsFrom(const config::Config& c);
analysis::llm::LlmClientOptions LlmClientOptionsFrom(const config::Config& c);
// Without on_call (MakeLlmAnalyst wires it to /metrics).
analysis::llm::LlmOptions LlmOptionsFrom(const config::Config& c);

}  // namespace quell::app
