// Api: the REST API's Handler. Routes requests to ingest, incident queries and actions,
// authenticates them by bearer token and scope, and turns every Status into the uniform JSON
// error body. Ingest responses are sent after the group commit, from the thread that led it.
// Nothing that waits on the network runs on the server's I/O threads: re-analyses (a model call)
// and Telegram webhook presses (answerCallbackQuery) run on the Api's own small worker pools and
// answer from there. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "engine/engine.h"
#include "model/topology.h"
#include "http/router.h"
#include "http/server.h"
#include "store/store.h"

namespace quell::metrics {
class Registry;
}  // namespace quell::metrics
namespace quell::analysis {
class Analyst;
}  // namespace quell::analysis
namespace quell::engine {
struct EvidenceSources;
class LogMining;
}  // namespace quell::engine
namespace quell::notify {
class TelegramUpdates;
}  // namespace quell::notify

namespace quell::http {

// What /readyz reports about a part that does not decide readiness (the LLM analyst: without
// it the built-in analyst still answers).
struct ReadinessDetail {
  std::string name;  // its key in the /readyz JSON, e.g. "llm"
  bool ready = false;
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;  // e.g. provider, model
};

struct ApiDeps {
  engine::Engine& engine;
  store::Store& store;
  metrics::Registry& metrics;
  const Clock& clock;
  analysis::Analyst& analyst;
  const engine::EvidenceSources& evidence;
  const model::Topology& configured_topology;  // from the config file / environment
  engine::LogMining& logs;
  // Telegram webhook mode: POST /telegram/webhook hands updates here (null: the route is 404).
  notify::TelegramUpdates* telegram_updates = nullptr;
  std::string telegram_webhook_secret;
  // Optional parts listed in /readyz's details; may be empty.
  std::function<std::vector<ReadinessDetail>()> readiness_details;
  // Dashboard sessions: how long one lasts, and whether its cookies are https-only.
  TimeMs session_ttl_ms = 7 * 24 * kHourMs;
  bool secure_cookies = false;
};

class Api : public Handler {
 public:
  explicit Api(ApiDeps deps);
  ~Api() override;
  // Route, method, credentials and the route's body limit, from the headers alone.
  Admission Admit(const HttpRequest& head) override;
  void Handle(HttpRequest request, Responder respond) override;
  std::unique_ptr<BodyStream> OpenStream(const HttpRequest& head) override;
  // The route table (method, pattern, scope), which docs/openapi.json describes.
  std::vector<RouteInfo> Routes() const;
  // Finishes the background work: requests waiting on a re-analysis are answered, queued
  // re-analyses are dropped, queued Telegram presses are handled, running work ends. Call
  // after the server has stopped and before the Engine shuts down. Idempotent (also run by the
  // destructor).
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quell::http
