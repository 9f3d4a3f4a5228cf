#include "engine/log_mining.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace quell::engine {
namespace {

constexpr const char* kStatePrefix = "logminer:";

}  // namespace

int LogLevelRank(const std::string& level) {
  std::string l = level;
  for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "fatal" || l == "critical" || l == "panic" || l == "emergency") return 5;
  if (l == "error" || l == "err" || l == "severe") return 4;
  if (l == "warn" || l == "warning") return 3;
  if (l == "info" || l == "notice") return 2;
  return 1;
}

LogMining::LogMining(store::Store& store, const Clock& clock, LogMiningOptions options)
    : store_(store), clock_(clock), options_(options) {}

analysis::logmine::ServiceLogMiner& LogMining::MinerFor(const std::string& service) {
  auto it = miners_.find(service);
  if (it != miners_.end()) return it->second;
  analysis::logmine::ServiceMinerOptions o;
  o.miner.max_clusters = options_.max_templates_per_service;
  return miners_.emplace(service, analysis::logmine::ServiceLogMiner(o)).first->second;
}

Status LogMining::Ingest(std::vector<model::LogEntry>& entries) {
  {
    std::lock_guard lock(mu_);
    for (auto& e : entries) {
      auto& miner = MinerFor(e.service);
      e.template_id = miner.Add(e.message, e.ts);
      auto& level = levels_[{e.service, e.template_id}];
      if (LogLevelRank(e.level) > LogLevelRank(level)) level = e.level;
      if (LogLevelRank(e.level) >= 4) {
        auto& lines = error_lines_[e.service];
        if (lines.size() >= options_.error_lines_per_service) lines.erase(lines.begin());
        lines.push_back({e.service, e.ts, e.level, e.message, ""});
      }
    }
  }
  QUELL_RETURN_IF_ERROR(store_.AppendLogs(entries));
  const TimeMs now = clock_.Now();
  if (++batches_ % 100 == 1) {
    QUELL_RETURN_IF_ERROR(store_.PruneLogs(now - options_.retention_ms, options_.max_rows));
  }
  if (now - last_save_ > 5 * kMinuteMs) {
    last_save_ = now;
    return SaveState();
  }
  return Status::Ok();
}

std::vector<analysis::LogTemplateEvidence> LogMining::Templates(
    const std::vector<std::string>& services, TimeMs from, TimeMs cut, TimeMs to) {
  std::lock_guard lock(mu_);
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

std::vector<analysis::LogLineEvidence> LogMining::ErrorLines(
    const std::vector<std::string>& services, TimeMs from, TimeMs to) {
  std::lock_guard lock(mu_);
  std::vector<analysis::LogLineEvidence> out;
  for (const auto& service : services) {
    auto it = error_lines_.find(service);
    if (it == error_lines_.end()) continue;
    for (const auto& line : it->second)
      if (line.ts >= from && line.ts <= to) out.push_back(line);
  }
  return out;
}

Status LogMining::LoadState() {
  std::lock_guard lock(mu_);
  QUELL_ASSIGN_OR_RETURN(auto states, store_.ListSettings(kStatePrefix));
  for (const auto& [key, value] : states) {
    analysis::logmine::ServiceMinerOptions o;
    o.miner.max_clusters = options_.max_templates_per_service;
    auto miner = analysis::logmine::ServiceLogMiner::LoadState(value, o);
    if (!miner) {
      spdlog::warn("ignoring the saved log miner state of {}: {}", key, miner.error().ToString());
      continue;
    }
    miners_.insert_or_assign(key.substr(std::string_view(kStatePrefix).size()), std::move(*miner));
  }
  return Status::Ok();
}

Status LogMining::SaveState() {
  std::vector<std::pair<std::string, std::string>> states;
  {
    std::lock_guard lock(mu_);
    for (const auto& [service, miner] : miners_)
      states.emplace_back(kStatePrefix + service, miner.SaveState());
  }
  for (const auto& [key, value] : states) QUELL_RETURN_IF_ERROR(store_.PutSetting(key, value));
  return Status::Ok();
}

}  // namespace quell::engine
