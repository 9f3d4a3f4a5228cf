#include "app/app.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "analysis/builtin_analyst.h"
#include "analysis/llm/llm_analyst.h"
#include "app/change_watch.h"
#include "app/config_objects.h"
#include "app/first_admin_token.h"
#include "app/llm_wiring.h"
#include "app/node_id.h"
#include "app/options_from.h"
#include "net/http_client.h"
#include "analysis/rules/failure_rules.h"
#include "engine/engine.h"
#include "engine/evidence_builder.h"
#include "engine/log_mining.h"
#include "jobs/job_runner.h"
#include "http/api.h"
#include "http/routes.h"
#include "http/server.h"
#include "metrics/registry.h"
#include "notify/notifier.h"
#include "notify/pacer.h"
#include "notify/telegram_notifier.h"
#include "notify/telegram_updates.h"
#include "notify/webhook_notifier.h"
#include "store/singleton_lease.h"
#include "store/sqlite/sqlite_store.h"
#include "store/tokens.h"

namespace quell::app {
namespace {

void RegisterServerCounters(metrics::Registry& registry,
                            std::shared_ptr<http::ServerCounters> counters) {
  registry.GaugeFn("quell_http_connections_open", "Open HTTP connections.", [counters] {
    return static_cast<double>(counters->open_connections.load(std::memory_order_relaxed));
  });
  registry.CounterFn(
      "quell_http_connections_refused_total",
      "HTTP connections answered 503 and closed because max_connections were open.", [counters] {
        return static_cast<double>(counters->refused_connections.load(std::memory_order_relaxed));
      });
  registry.CounterFn("quell_http_accept_errors_total",
                     "Failed accepts (e.g. out of file descriptors); each backs off.", [counters] {
                       return static_cast<double>(
                           counters->accept_errors.load(std::memory_order_relaxed));
                     });
}

void RegisterGauges(metrics::Registry& registry, store::Store& store, engine::Engine& engine) {
  registry.GaugeFn("quell_incidents_open", "Incidents triggered or acknowledged.", [&store] {
    // What SQLite holds, without forcing the group-commit batch out (at most its interval old).
    auto triggered = store.CountIncidents(model::IncidentStatus::kTriggered, /*latest=*/false);
    auto acked = store.CountIncidents(model::IncidentStatus::kAcknowledged, /*latest=*/false);
    return static_cast<double>((triggered ? *triggered : 0) + (acked ? *acked : 0));
  });
  registry.CounterFn("quell_ingest_transactions_total",
                     "Group-committed ingest transactions (many requests each).",
                     [&engine] { return static_cast<double>(engine.counters().transactions); });
  registry.CounterFn("quell_alerts_duplicates_total", "Alerts folded into an existing alert.",
                     [&engine] { return static_cast<double>(engine.counters().duplicates); });
}

// The online log miner's queue and throughput (lines not mined are counted per service by
// LogMiningOptions::on_not_mined).
void RegisterLogMiningMetrics(metrics::Registry& registry, engine::LogMining& logs) {
  registry.GaugeFn("quell_log_mining_queue_lines",
                   "Log lines waiting to be mined (PostgreSQL: stored, any node, and not yet "
                   "mined by this node).",
                   [&logs] { return static_cast<double>(logs.Backlog()); });
  registry.CounterFn("quell_log_lines_mined_total", "Log lines mined into templates.",
                     [&logs] { return static_cast<double>(logs.Stats().mined_lines); });
  registry.GaugeFn("quell_log_templates", "Log templates known, all services together.",
                   [&logs] { return static_cast<double>(logs.Stats().templates); });
}

// What the background job runner did: completions, failed attempts, handlers that threw, and
// jobs parked (a rising parked count needs an operator); what it is doing (running) and what
// waits for it (due: what SQLite holds, without forcing the group-commit batch out).
void RegisterJobMetrics(metrics::Registry& registry, const jobs::JobRunner& runner,
                        store::Store& store, const Clock& clock) {
  const jobs::JobCounters& c = runner.counters();
  registry.GaugeFn("quell_jobs_running", "Background jobs running now.",
                   [&c] { return static_cast<double>(c.running.load()); });
  registry.GaugeFn("quell_jobs_due", "Background jobs due and waiting for a worker.",
                   [&store, &clock] {
                     auto due = store.CountDueJobs(clock.Now());
                     return due ? static_cast<double>(*due) : 0.0;
                   });
  registry.CounterFn("quell_jobs_completed_total", "Background jobs completed.",
                     [&c] { return static_cast<double>(c.completed.load()); });
  registry.CounterFn("quell_jobs_failed_attempts_total", "Background job attempts that failed and were retried.",
                     [&c] { return static_cast<double>(c.failed_attempts.load()); });
  registry.CounterFn("quell_jobs_exceptions_total", "Background job handlers that threw.",
                     [&c] { return static_cast<double>(c.exceptions.load()); });
  registry.CounterFn("quell_jobs_parked_total",
                     "Background jobs given up (permanent error or too many attempts).",
                     [&c] { return static_cast<double>(c.parked.load()); });
}

// quell_notifications_total{channel,outcome}: every delivery attempt of every channel, each
// series there (at 0) from the start.
notify::DeliveryObserver NotificationCounter(
    metrics::Registry& registry, const std::vector<std::unique_ptr<notify::Notifier>>& notifiers) {
  static constexpr const char* kHelp =
      "Notification delivery attempts by channel and outcome: delivered, deferred (rate limit, "
      "pacing), failed (retried with backoff), rejected (parked).";
  for (const auto& n : notifiers)
    for (const char* outcome : notify::kDeliveryOutcomes)
      registry.Counter("quell_notifications_total", kHelp,
                       {{"channel", n->channel()}, {"outcome", outcome}});
  return [&registry](const std::string& channel, const char* outcome) {
    registry.Counter("quell_notifications_total", kHelp, {{"channel", channel}, {"outcome", outcome}})
        .Inc();
  };
}

// Lets the App own "the analyst" uniformly, whether the LLM analyst or the built-in one.
class ForwardingAnalyst final : public analysis::Analyst {
 public:
  explicit ForwardingAnalyst(analysis::Analyst& target) : target_(target) {}
  Result<model::Analysis> Analyze(const analysis::EvidencePack& pack) override {
    return target_.Analyze(pack);
  }

 private:
  analysis::Analyst& target_;
};

// The rules shipped with Quell plus the user's file (analysis.rules_file), if any.
Result<analysis::rules::FailureRules> LoadRules(const config::Config& config) {
  analysis::rules::FailureRules rules = analysis::rules::FailureRules::Defaults();
  if (config.rules_file.empty()) return rules;
  std::ifstream in(config.rules_file);
  if (!in) return Error(InvalidArgument("cannot read " + config.rules_file, "analysis.rules_file"));
  std::stringstream text;
  text << in.rdbuf();
  auto user = analysis::rules::FailureRules::Parse(text.str());
  if (!user)
    return Error(InvalidArgument(config.rules_file + ": " + user.error().message(),
                                 "analysis.rules_file"));
  rules.Merge(*user);
  return rules;
}

// Where the analyst's evidence beyond alerts comes from: the deploys table and the mined logs.
engine::EvidenceSources EvidenceSourcesFrom(store::Store& store, engine::LogMining& logs) {
  engine::EvidenceSources sources;
  // Templates first seen in the last 10 minutes before the incident's first symptom or later
  // are "new" (the window starts a deploy lookback before the first symptom).
  sources.log_templates = [&logs](const std::vector<std::string>& services, TimeMs since,
                                  TimeMs until) {
    const TimeMs first_symptom = since + 2 * kHourMs;
    return logs.TemplatesWithGaps(services, since, first_symptom - 10 * kMinuteMs, until);
  };
  sources.error_lines = [&logs](const std::vector<std::string>& services, TimeMs since,
                                TimeMs until) { return logs.ErrorLines(services, since, until); };
  sources.deploys = [&store](const std::vector<std::string>& services, TimeMs since, TimeMs until) {
    std::vector<analysis::deploys::DeployFacts> out;
    store::DeployQuery query;
    query.services = services;
    query.since = since;
    query.until = until;
    query.limit = 200;
    auto deploys = store.ListDeploys(query);
    if (!deploys) return out;
    for (const auto& d : *deploys)
      out.push_back({d.version, d.service, d.version, d.status, d.author, d.commit, d.EffectiveAt(), {}});
    return out;
  };
  return sources;
}

// /readyz's "llm" entry: the model server's last known state (nothing without an LLM).
std::function<std::vector<http::ReadinessDetail>()> LlmReadinessDetails(
    const analysis::llm::LlmAnalyst* llm) {
  if (!llm) return {};
  return [llm] {
    auto r = llm->readiness();
    return std::vector<http::ReadinessDetail>{
        {"llm", r.ready, r.message, {{"provider", r.provider}, {"model", r.model}}}};
  };
}

// Runs the analyst for "analyze" jobs, escalates for "escalate" jobs, takes the steps of escalation
// policies for "escalation" jobs and sweeps the silences for the "silences" job. (Notification
// jobs: RegisterNotifiers and RegisterPager.)
void RegisterEngineJobs(jobs::JobRunner& runner, engine::Engine& engine,
                        analysis::Analyst& analyst, const engine::EvidenceSources& sources) {
  // A job whose incident is gone failed for good: InvalidArgument parks it (JobRunner).
  auto outcome = [](Status status) -> jobs::JobOutcome {
    if (status.code() == StatusCode::kNotFound) return InvalidArgument(status.message());
    return status;
  };
  runner.Register("escalate", [&engine, outcome](const model::Job& job) -> jobs::JobOutcome {
    auto escalated = engine.Escalate(job.incident_id);
    return outcome(escalated ? Status::Ok() : escalated.error());
  });
  runner.Register("escalation", [&engine, outcome](const model::Job& job) -> jobs::JobOutcome {
    auto stepped = engine.RunEscalation(job.incident_id);
    return outcome(stepped ? Status::Ok() : stepped.error());
  });
  runner.Register("silences", [&engine](const model::Job&) -> jobs::JobOutcome {
    auto wait = engine.SweepSilences();
    if (!wait) return wait.error();
    if (*wait == 0) return Status::Ok();
    return jobs::JobOutcome::RetryIn(*wait, "the next silence starts or ends then");
  });
  runner.Register("analyze", [&, outcome](const model::Job& job) -> jobs::JobOutcome {
    auto wait = engine.AnalysisWait(job.incident_id);
    if (!wait) return outcome(wait.error());
    if (*wait > 0) return jobs::JobOutcome::RetryIn(*wait, "analysed recently");
    auto analysed = engine.Analyze(job.incident_id, analyst, sources, /*force=*/false);
    return outcome(analysed ? Status::Ok() : analysed.error());
  });
}

// Where incident links in notifications point.
std::string DashboardUrl(const config::Config& c) {
  return c.public_url.empty() ? "http://" + c.listen : c.public_url;
}

bool TelegramConfigured(const config::Config& c) {
  return !c.telegram_bot_token.empty() && !c.telegram_chat_ids.empty();
}

Status CheckNotifyConfig(const config::Config& c) {
  if (!c.telegram_bot_token.empty() && c.telegram_chat_ids.empty())
    return InvalidArgument("telegram.bot_token is set but telegram.chat_ids is empty",
                           "telegram.chat_ids");
  if (TelegramConfigured(c) && c.telegram_mode == "webhook") {
    if (c.telegram_webhook_secret.size() < 8)
      return InvalidArgument("telegram.mode = webhook needs telegram.webhook_secret (8+ characters)",
                             "telegram.webhook_secret");
    if (c.public_url.empty())
      return InvalidArgument("telegram.mode = webhook needs public_url (Telegram must reach it)",
                             "public_url");
  }
  return Status::Ok();
}

}  // namespace

struct App::Parts {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<metrics::Registry> metrics;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<analysis::rules::FailureRules> rules;
  std::unique_ptr<analysis::Analyst> builtin;
  std::unique_ptr<net::HttpClient> http_client;
  std::unique_ptr<analysis::llm::LlmAnalyst> llm;  // null without llm.provider
  std::unique_ptr<LlmRecheck> llm_recheck;
  std::unique_ptr<analysis::Analyst> analyst;
  engine::EvidenceSources evidence;
  model::Topology configured_topology;
  // PostgreSQL: held while this node uses its node id (node_id.h); outlives `logs`.
  std::unique_ptr<store::SingletonLease> node_id_lease;
  std::unique_ptr<engine::LogMining> logs;
  std::unique_ptr<jobs::JobRunner> jobs;
  // Keeps the engine's topology and silences current and wakes `jobs` (PostgreSQL): stopped
  // before them.
  std::unique_ptr<store::ChangeWatch> change_watch;
  // Notifications.
  std::unique_ptr<net::HttpClient> notify_http;
  std::unique_ptr<notify::Pacer> pacer;
  std::unique_ptr<notify::TelegramApi> telegram_api;
  std::unique_ptr<notify::CardLedger> telegram_cards;
  std::vector<std::unique_ptr<notify::Notifier>> notifiers;
  std::unique_ptr<notify::TelegramUpdates> telegram_updates;
  std::unique_ptr<store::SingletonLease> telegram_lease;  // outlives the poller
  std::unique_ptr<notify::TelegramPoller> telegram_poller;
  std::unique_ptr<http::Api> api;
  std::unique_ptr<http::HttpServer> server;
  bool stopped = false;
};

App::App() : parts_(std::make_unique<Parts>()) {}
App::~App() { Stop(); }

Result<std::unique_ptr<store::Store>> OpenDataDir(const config::Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return Error(InvalidArgument("cannot create data dir " + config.data_dir + ": " +
                                       ec.message(), "data_dir"));
  ::chmod(config.data_dir.c_str(), 0700);
  if (config.store_url.empty()) return store::OpenSqliteStore(SqliteOptionsFrom(config));
  // Never repeat the URL: it may hold a password.
  if (!store::IsPgUrl(config.store_url))
    return Error(InvalidArgument("store.url must be postgres://user:password@host:port/database",
                                 "store.url"));
  return store::OpenPgStore(PgOptionsFrom(config));
}

// Telegram and webhook notifiers behind the "notify" jobs, and Telegram's button presses.
Status App::StartNotifications(const config::Config& config, const Clock& clock, Parts& p) {
  QUELL_RETURN_IF_ERROR(CheckNotifyConfig(config));
  std::vector<notify::Notifier*> notifiers;
  notify::TelegramNotifier* telegram = nullptr;  // pages escalation steps
  if (TelegramConfigured(config) || !config.webhook_url.empty())
    p.notify_http = net::NewCurlHttpClient();
  if (TelegramConfigured(config)) {
    p.pacer = std::make_unique<notify::Pacer>();
    p.telegram_api = std::make_unique<notify::TelegramApi>(
        *p.notify_http, notify::TelegramApiOptions{config.telegram_api_url, config.telegram_bot_token});
    notify::TelegramNotifierOptions options{config.telegram_chat_ids, std::nullopt};
    if (config.telegram_thread_id > 0) options.thread_id = config.telegram_thread_id;
    // A send claimed longer ago than a job's lease is dead (its node died or hung).
    p.telegram_cards = std::make_unique<notify::CardLedger>(*p.store, config.job_lease_ms);
    p.notifiers.push_back(std::make_unique<notify::TelegramNotifier>(
        *p.telegram_api, *p.store, *p.telegram_cards, *p.pacer, clock, options));
    notify::Notifier& telegram_notifier = *p.notifiers.back();
    telegram = static_cast<notify::TelegramNotifier*>(p.notifiers.back().get());
    notify::TelegramAccess access{
        {config.telegram_chat_ids.begin(), config.telegram_chat_ids.end()},
        {config.telegram_allowed_user_ids.begin(), config.telegram_allowed_user_ids.end()}};
    p.telegram_updates = std::make_unique<notify::TelegramUpdates>(
        *p.telegram_api, *p.engine, access,
        notify::RedrawCard(telegram_notifier, *p.store, *p.engine, DashboardUrl(config)),
        p.telegram_cards.get());
    if (config.telegram_mode == "poll") {
      // One poller among the nodes on one PostgreSQL: Telegram allows one getUpdates at a time.
      p.telegram_lease =
          config.store_url.empty()
              ? store::AlwaysHeld()
              : store::NewPgSingletonLease(config.store_url, store::kTelegramPollerLock);
      p.telegram_poller = std::make_unique<notify::TelegramPoller>(
          *p.telegram_api, *p.telegram_updates, *p.store, notify::TelegramPollerOptions{},
          p.telegram_lease.get());
      p.telegram_poller->Start();
    } else {
      std::string url = config.public_url;
      while (!url.empty() && url.back() == '/') url.pop_back();
      auto reply = p.telegram_api->SetWebhook(url + "/telegram/webhook", config.telegram_webhook_secret);
      if (!reply || !reply->ok)
        spdlog::warn("telegram: setWebhook failed ({}); presses will not arrive until it works",
                     reply ? std::to_string(reply->error_code) + " " + reply->description
                           : reply.error().message());
    }
    spdlog::info("Telegram: cards to {} chat(s), presses by {}", config.telegram_chat_ids.size(),
                 config.telegram_mode == "poll" ? "long polling" : "webhook");
  } else {
    spdlog::info("Telegram: off (set telegram.bot_token and telegram.chat_ids to turn it on)");
  }
  if (!config.webhook_url.empty()) {
    p.notifiers.push_back(std::make_unique<notify::WebhookNotifier>(
        *p.notify_http, notify::WebhookOptions{config.webhook_url}));
    spdlog::info("Webhook notifier: on");
  }
  for (auto& n : p.notifiers) notifiers.push_back(n.get());
  engine::Engine& engine = *p.engine;
  notify::RegisterNotifiers(*p.jobs, *p.store, clock, std::move(notifiers), DashboardUrl(config),
                            NotificationCounter(*p.metrics, p.notifiers),
                            [&engine](int64_t id) { return engine.ReconcileSilence(id); });
  notify::RegisterPager(*p.jobs, *p.store, clock, telegram, DashboardUrl(config));
  return Status::Ok();
}

Result<std::unique_ptr<App>> App::Start(const config::Config& config, const Clock& clock) {
  std::unique_ptr<App> app(new App());
  Parts& p = *app->parts_;
  if (config.job_workers == 0 && config.store_url.empty())
    return Error(InvalidArgument("store.job_workers = 0 needs store.url: with SQLite this node is "
                                 "the only one to run background jobs",
                                 "store.job_workers"));
  // A bad [[oncall.*]] or [[maintenance]] entry stops the start before anything is opened.
  QUELL_ASSIGN_OR_RETURN(ConfigObjects config_objects, ReadConfigObjects(config, clock.Now()));
  QUELL_ASSIGN_OR_RETURN(p.store, OpenDataDir(config));
  QUELL_RETURN_IF_ERROR(EnsureAdminToken(*p.store, config.data_dir, clock));
  p.metrics = std::make_unique<metrics::Registry>();
  p.engine = std::make_unique<engine::Engine>(*p.store, clock, EngineOptionsFrom(config));
  QUELL_RETURN_IF_ERROR(ApplyConfigObjects(config_objects, *p.engine, *p.store));
  p.configured_topology = model::Topology(config.topology);
  QUELL_RETURN_IF_ERROR(http::ReloadTopology(*p.engine, *p.store, p.configured_topology));
  RegisterGauges(*p.metrics, *p.store, *p.engine);
  QUELL_ASSIGN_OR_RETURN(auto rules, LoadRules(config));
  p.rules = std::make_unique<analysis::rules::FailureRules>(std::move(rules));
  p.builtin = std::make_unique<analysis::BuiltinAnalyst>(*p.rules);
  engine::LogMiningOptions log_options = LogMiningOptionsFrom(config);
  log_options.on_not_mined = [registry = p.metrics.get()](const std::string& service,
                                                          uint64_t lines) {
    registry
        ->Counter("quell_log_lines_not_mined_total",
                  "Log lines stored but not mined (the mining queue was full; PostgreSQL: "
                  "pruned before this node read them), by service.",
                  {{"service", service}})
        .Inc(lines);
  };
  if (log_options.from_store) {
    QUELL_ASSIGN_OR_RETURN(log_options.node_id, ReadOrCreateNodeId(config.data_dir));
    p.node_id_lease =
        store::NewPgSingletonLease(config.store_url, NodeIdLockKey(log_options.node_id));
    log_options.node_id_held = [lease = p.node_id_lease.get()] { return lease->Held(); };
  }
  p.logs = std::make_unique<engine::LogMining>(*p.store, clock, log_options);
  QUELL_RETURN_IF_ERROR(p.logs->LoadState());
  p.logs->Start();
  RegisterLogMiningMetrics(*p.metrics, *p.logs);
  p.evidence = EvidenceSourcesFrom(*p.store, *p.logs);
  p.http_client = net::NewCurlHttpClient();
  p.llm = MakeLlmAnalyst(config, *p.http_client, *p.builtin, *p.store, p.evidence, *p.metrics);
  if (p.llm) RegisterLlmMetrics(*p.metrics, *p.llm);
  p.analyst = std::make_unique<ForwardingAnalyst>(p.llm ? *p.llm : *p.builtin);
  if (p.llm) p.llm_recheck = std::make_unique<LlmRecheck>(*p.llm, config.llm_recheck_interval_ms);
  jobs::JobRunnerOptions job_options;
  job_options.lease_ms = config.job_lease_ms;
  job_options.workers = static_cast<int>(config.job_workers);
  p.jobs = std::make_unique<jobs::JobRunner>(*p.store, clock, job_options);
  // On PostgreSQL what any node changes reaches this one at once: a job due now wakes its idle
  // workers, a topology or silence changed is read again.
  if (!config.store_url.empty())
    p.change_watch = WatchChanges(config.store_url, *p.engine, *p.store, p.configured_topology,
                                  job_options.workers > 0 ? p.jobs.get() : nullptr);
  RegisterJobMetrics(*p.metrics, *p.jobs, *p.store, clock);
  RegisterEngineJobs(*p.jobs, *p.engine, *p.analyst, p.evidence);
  QUELL_RETURN_IF_ERROR(StartNotifications(config, clock, p));
  p.engine->silences().ScheduleSweep();  // the silences job re-arms itself from there
  p.jobs->Start();
  http::ApiDeps api_deps{*p.engine,     *p.store, *p.metrics, clock, *p.analyst, p.evidence,
                         p.configured_topology, *p.logs, nullptr, "", {},
                         config.session_ttl_ms, config.public_url.rfind("https://", 0) == 0};
  api_deps.readiness_details = LlmReadinessDetails(p.llm.get());
  if (p.telegram_updates && config.telegram_mode == "webhook") {
    api_deps.telegram_updates = p.telegram_updates.get();
    api_deps.telegram_webhook_secret = config.telegram_webhook_secret;
  }
  p.api = std::make_unique<http::Api>(api_deps);
  QUELL_ASSIGN_OR_RETURN(auto server_options, ServerOptionsFrom(config));
  server_options.counters = std::make_shared<http::ServerCounters>();
  RegisterServerCounters(*p.metrics, server_options.counters);
  p.server = http::NewHttpServer(server_options, *p.api);
  QUELL_RETURN_IF_ERROR(p.server->Start());
  return app;
}

uint16_t App::port() const { return parts_->server ? parts_->server->port() : 0; }
store::Store& App::store() { return *parts_->store; }
std::vector<http::RouteInfo> App::routes() const { return parts_->api->Routes(); }

void App::Stop() {
  Parts& p = *parts_;
  if (p.stopped) return;
  p.stopped = true;
  if (p.server) p.server->Stop();   // in-flight requests finish; their commits still run
  if (p.api) p.api->Stop();         // queued Telegram presses are handled; re-analyses end
  if (p.telegram_poller) p.telegram_poller->Stop();  // ends the long poll
  p.change_watch.reset();
  if (p.jobs) p.jobs->Stop();         // jobs in progress finish
  if (p.logs) p.logs->Shutdown();     // mines the queued lines, stops the worker
  if (p.logs) (void)p.logs->SaveState();
  if (p.engine) p.engine->Shutdown();  // drain queued batches
  p.server.reset();
  p.api.reset();
  p.jobs.reset();
  p.llm_recheck.reset();
  p.logs.reset();
  p.node_id_lease.reset();  // after the last save under its id
  p.engine.reset();
  p.store.reset();  // closes the database
}

}  // namespace quell::app
