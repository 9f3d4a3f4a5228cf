#include "engine/log_mining.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <random>

#include <spdlog/spdlog.h>

namespace quell::engine {
namespace {

constexpr const char* kStatePrefix = "logminer:";  // queue mode, per service
// The worker takes miners_mu_ for at most this many lines at a time, so readers (the analyst,
// the templates API) wait for a chunk, not for a whole batch.
constexpr size_t kMineChunk = 1000;
constexpr size_t kNotMinedMinutes = 24 * 60;  // per service, like the miners' buckets

// Store mode: a name for this process's saved unit when it has none of its own (or another live
// node has it). A restarted node loads the unit furthest on, whichever node saved it, so a name
// only spares the units left behind (removed after an hour).
std::string NewNodeId() {
  std::random_device random;
  const uint64_t id = (uint64_t{random()} << 32) | random();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(id));
  return text;
}

}  // namespace

analysis::logmine::ServiceMinerOptions OnlineMinerOptions(size_t max_templates_per_service) {
  analysis::logmine::ServiceMinerOptions o;
  o.miner = analysis::logmine::MinerOptions{};
  o.miner.max_clusters = max_templates_per_service;
  return o;
}

LogMining::LogMining(store::Store& store, const Clock& clock, LogMiningOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      node_id_(options_.node_id.empty() ? NewNodeId() : options_.node_id),
      node_id_settled_(options_.node_id.empty() || !options_.node_id_held) {}

LogMining::~LogMining() { Shutdown(); }

void LogMining::CheckNodeId() {
  if (node_id_settled_ || options_.node_id_held()) return;
  const std::string taken = node_id_;
  node_id_ = NewNodeId();
  node_id_settled_ = true;
  spdlog::warn("node id {} is in use by another live node (or its lock could not be checked): "
               "this node saves its log miners as {} (a data dir copied to another node? give "
               "each node its own)",
               taken, node_id_);
}

void LogMining::Start() {
  {
    std::lock_guard lock(intake_mu_);
    if (stopping_) return;
  }
  if (!worker_.joinable())
    worker_ = std::thread([this] { options_.from_store ? RunFromStore() : Run(); });
}

void LogMining::Shutdown() {
  {
    std::lock_guard lock(intake_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (worker_.joinable()) {
    worker_.join();
  } else if (!options_.from_store) {
    Run();  // never started: mine what is queued here (returns at once when nothing is)
  }
}

void LogMining::Run() {
  std::unique_lock lock(intake_mu_);
  for (;;) {
    queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued is mined
    std::vector<model::LogEntry> batch = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Mine(batch);
    SaveNowAndThen();
    lock.lock();
    queued_lines_ -= batch.size();
    mined_lines_ += batch.size();
    idle_cv_.notify_all();
  }
}

void LogMining::SaveNowAndThen() {
  const TimeMs now = clock_.Now();
  if (now - last_save_ <= 5 * kMinuteMs) return;
  last_save_ = now;
  if (Status saved = SaveState(); !saved.ok())
    spdlog::warn("saving the log miners' state failed: {}", saved.ToString());
}

void LogMining::Mine(const std::vector<model::LogEntry>& batch) {
  for (size_t start = 0; start < batch.size(); start += kMineChunk) {
    std::lock_guard lock(miners_mu_);
    const auto begin = batch.begin() + static_cast<ptrdiff_t>(start);
    MineLines(begin, begin + static_cast<ptrdiff_t>(std::min(kMineChunk, batch.size() - start)));
  }
}

void LogMining::MineLines(std::vector<model::LogEntry>::const_iterator begin,
                          std::vector<model::LogEntry>::const_iterator end) {
  for (auto e = begin; e != end; ++e) {
    const uint64_t id = MinerFor(e->service).Add(e->message, e->ts);
    auto& level = levels_[{e->service, id}];
    if (model::LogLevelRank(e->level) > model::LogLevelRank(level)) level = e->level;
  }
  CountTemplates();
}

void LogMining::KeepErrorLines(const std::vector<model::LogEntry>& entries) {
  for (const auto& e : entries) {
    if (!model::IsErrorLevel(e.level)) continue;
    auto& lines = error_lines_[e.service];
    if (lines.size() >= options_.error_lines_per_service) lines.erase(lines.begin());
    lines.push_back({e.service, e.ts, e.level, e.message, ""});
  }
}

void LogMining::CountTemplates() {
  uint64_t templates = 0;
  for (const auto& [service, miner] : miners_) templates += miner.miner().cluster_count();
  templates_ = templates;
}

analysis::logmine::ServiceLogMiner& LogMining::MinerFor(const std::string& service) {
  auto it = miners_.find(service);
  if (it != miners_.end()) return it->second;
  return miners_
      .emplace(service, analysis::logmine::ServiceLogMiner(
                            OnlineMinerOptions(options_.max_templates_per_service)))
      .first->second;
}

void LogMining::CountNotMined(std::vector<model::LogEntry>::const_iterator begin,
                              std::vector<model::LogEntry>::const_iterator end) {
  for (auto it = begin; it != end; ++it) CountNotMined(it->service, it->ts - it->ts % kMinuteMs, 1);
}

void LogMining::CountNotMined(const std::string& service, TimeMs minute, uint64_t lines) {
  auto& counts = not_mined_[service];
  counts.total += lines;
  counts.minutes[minute] += lines;
  if (counts.minutes.size() > kNotMinedMinutes) counts.minutes.erase(counts.minutes.begin());
  not_mined_lines_ += lines;
}

Status LogMining::Ingest(std::vector<model::LogEntry> entries) {
  QUELL_RETURN_IF_ERROR(store_.AppendLogs(entries));
  // The lines are stored: a failed prune is retried with a later batch, and must not turn their
  // 202 into a 5xx (the client would send them again) nor keep them from the miner.
  if (batches_.fetch_add(1) % 100 == 0) {
    if (Status pruned = Prune(); !pruned.ok())
      spdlog::warn("pruning the stored log lines failed: {}", pruned.ToString());
  }
  if (options_.from_store) {  // the worker reads them back with every other node's
    {
      std::lock_guard lock(intake_mu_);
      wake_ = true;
    }
    queue_cv_.notify_one();
    return Status::Ok();
  }
  std::map<std::string, uint64_t> skipped;  // reported after the lock is released
  {
    std::lock_guard lock(intake_mu_);
    KeepErrorLines(entries);
    const size_t room =
        stopping_ ? 0 : options_.queue_lines - std::min(options_.queue_lines, queued_lines_);
    const size_t take = std::min(room, entries.size());
    if (take < entries.size()) {
      CountNotMined(entries.begin() + static_cast<ptrdiff_t>(take), entries.end());
      if (const TimeMs now = clock_.Now(); now - last_not_mined_warning_ >= kMinuteMs) {
        last_not_mined_warning_ = now;
        spdlog::warn("log lines stored but not mined: {} so far ({})", not_mined_lines_,
                     stopping_                    ? "mining has stopped"
                     : options_.queue_lines == 0 ? "logs.mining_queue is 0"
                                                 : "the mining queue (logs.mining_queue) is full");
      }
      if (options_.on_not_mined)
        for (size_t i = take; i < entries.size(); ++i) ++skipped[entries[i].service];
    }
    if (take > 0) {
      entries.resize(take);
      queued_lines_ += take;
      queue_.push_back(std::move(entries));
      queue_cv_.notify_one();
    }
  }
  for (const auto& [service, n] : skipped) options_.on_not_mined(service, n);
  return Status::Ok();
}

Status LogMining::Prune() {
  std::optional<store::LogCursor> remember_after;
  if (options_.from_store) {
    QUELL_ASSIGN_OR_RETURN(remember_after, PruneFloor());
  }
  return store_.PruneLogs(clock_.Now() - options_.retention_ms, options_.max_rows, remember_after);
}

bool LogMining::WaitMined(TimeMs timeout_ms) {
  if (options_.from_store) {
    auto caught_up = CatchUp(timeout_ms, /*wait_held_back=*/true);
    return caught_up && *caught_up;
  }
  std::unique_lock lock(intake_mu_);
  return idle_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [this] { return queued_lines_ == 0; });
}

LogMiningStats LogMining::Stats() {
  std::lock_guard lock(intake_mu_);
  return {mined_lines_, not_mined_lines_, queued_lines_, templates_.load()};
}

uint64_t LogMining::Backlog() {
  if (options_.from_store)
    return CountBehind("", std::numeric_limits<TimeMs>::min(), std::numeric_limits<TimeMs>::max());
  return Stats().queued_lines;
}

uint64_t LogMining::NotMined(const std::string& service, TimeMs from, TimeMs to) {
  // Store mode: what the node has not read yet, and what was pruned before it read it.
  const uint64_t behind = options_.from_store ? CountBehind(service, from, to) : 0;
  return behind + Counted(service, from, to);
}

uint64_t LogMining::Counted(const std::string& service, TimeMs from, TimeMs to) {
  std::lock_guard lock(intake_mu_);
  auto it = not_mined_.find(service);
  if (it == not_mined_.end()) return 0;
  uint64_t n = 0;
  const auto& minutes = it->second.minutes;
  for (auto m = minutes.lower_bound(from - from % kMinuteMs); m != minutes.end() && m->first <= to;
       ++m)
    n += m->second;
  return n;
}

std::vector<analysis::LogTemplateEvidence> LogMining::Templates(
    const std::vector<std::string>& services, TimeMs from, TimeMs cut, TimeMs to) {
  CatchUpForReader();
  std::lock_guard lock(miners_mu_);
  std::vector<analysis::LogTemplateEvidence> out;
  for (const auto& service : services) {
    auto it = miners_.find(service);
    if (it == miners_.end()) continue;
    auto& miner = it->second;
    const TimeMs saved_cut = miner.baseline_end();
    miner.MarkBaseline(cut);
    for (const auto& r : miner.Report(from, to + 1, 200)) {
      analysis::LogTemplateEvidence t;
      t.service = service;
      t.template_id = r.template_id;
      t.text = r.text;
      auto level = levels_.find({service, r.template_id});
      t.level = level == levels_.end() ? "" : level->second;
      t.count = r.window_count;
      t.first_seen = r.first_seen;
      t.last_seen = r.last_seen;
      t.is_new = r.is_new;
      t.is_surging = r.is_surging;
      t.samples = r.samples;
      t.series = r.window_series;
      out.push_back(std::move(t));
    }
    miner.MarkBaseline(saved_cut);
  }
  return out;
}

std::vector<analysis::LogTemplateEvidence> LogMining::TemplatesWithGaps(
    const std::vector<std::string>& services, TimeMs from, TimeMs cut, TimeMs to) {
  auto out = Templates(services, from, cut, to);
  for (const auto& service : services) {
    const uint64_t n = NotMined(service, from, to);
    if (n == 0) continue;
    analysis::LogTemplateEvidence note;
    note.service = service;
    note.not_mined = true;
    note.count = n;
    note.text = std::to_string(n) + " lines of " + service +
                " in this window were stored but not mined (" +
                (options_.from_store
                     ? "this node has not read them yet, or they were pruned before it did"
                     : "the mining queue was full") +
                "): its templates here are incomplete";
    out.push_back(std::move(note));
  }
  return out;
}

std::vector<analysis::LogLineEvidence> LogMining::ErrorLines(
    const std::vector<std::string>& services, TimeMs from, TimeMs to) {
  CatchUpForReader();
  std::lock_guard lock(intake_mu_);
  std::vector<analysis::LogLineEvidence> out;
  for (const auto& service : services) {
    auto it = error_lines_.find(service);
    if (it == error_lines_.end()) continue;
    for (const auto& line : it->second)
      if (line.ts >= from && line.ts <= to) out.push_back(line);
  }
  return out;
}

void LogMining::ClassifyStored(std::vector<model::LogEntry>& entries) {
  CatchUpForReader();
  std::lock_guard lock(miners_mu_);
  for (auto& e : entries) {
    if (e.template_id != 0) continue;
    auto it = miners_.find(e.service);
    if (it != miners_.end()) e.template_id = it->second.miner().Match(e.message).value_or(0);
  }
}

void LogMining::RestoreMiner(const std::string& service, std::string_view state) {
  const auto online = OnlineMinerOptions(options_.max_templates_per_service);
  auto miner = analysis::logmine::ServiceLogMiner::LoadState(state, online);
  if (!miner) {
    spdlog::warn("ignoring the saved log miner state of {}: {}", service,
                 miner.error().ToString());
    return;
  }
  // A state carries the tree options it was built with (depth, similarity, caps); one saved
  // with other defaults (before depth became 3) would keep them for ever, unlike `quell
  // logmine`. Its tree cannot be rebuilt with the new depth, so that service starts anew.
  if (!(miner->miner().options() == online.miner)) {
    spdlog::warn("the saved log miner state of {} used other miner options; mining it anew "
                 "with the current defaults",
                 service);
    return;
  }
  miners_.insert_or_assign(service, std::move(*miner));
}

Status LogMining::LoadState() {
  if (options_.from_store) return LoadSnapshot();
  std::lock_guard lock(miners_mu_);
  QUELL_ASSIGN_OR_RETURN(auto states, store_.ListSettings(kStatePrefix));
  for (const auto& [key, value] : states)
    RestoreMiner(key.substr(std::string_view(kStatePrefix).size()), value);
  CountTemplates();
  return Status::Ok();
}

Status LogMining::SaveState() {
  if (options_.from_store) return SaveSnapshot();
  std::vector<std::pair<std::string, std::string>> states;
  {
    std::lock_guard lock(miners_mu_);
    for (const auto& [service, miner] : miners_)
      states.emplace_back(kStatePrefix + service, miner.SaveState());
  }
  for (const auto& [key, value] : states) QUELL_RETURN_IF_ERROR(store_.PutSetting(key, value));
  return Status::Ok();
}

}  // namespace quell::engine
