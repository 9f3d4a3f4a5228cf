// LogMining's store mode (LogMiningOptions::from_store, PostgreSQL): the worker and the readers
// read every stored line after the cursor, whichever node stored it, and the cursor is saved
// with the miners as one unit per node (MinerSnapshot). See log_mining.h.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <optional>
#include <thread>
#include <tuple>

#include "engine/log_mining.h"
#include "engine/miner_snapshot.h"

namespace quell::engine {
namespace {

constexpr const char* kSnapshotPrefix = "logminer-node:";
// "<tx> <id> <saved at>": a node's cursor as of its last save, small enough for every prune to
// read all of them (PruneFloor); saved beside its unit.
constexpr const char* kCursorPrefix = "logminer-cursor:";
// Lines read and mined under one hold of miners_mu_: the cursor moves with them, so a saved unit
// never holds half a page.
constexpr int kPage = 1000;
// The worker reads for at most this long before it looks at `stopping_` again.
constexpr TimeMs kWorkerBudgetMs = 1000;
// Units saved longer ago than this by other nodes are left over from nodes gone (a live node
// saves every 5 minutes while it mines); removed at start.
constexpr TimeMs kStaleSnapshotMs = kHourMs;
// A unit keeps a service's newest error lines up to this many bytes of messages (all
// error_lines_per_service of them unless lines are long: a line may be 1 MiB).
constexpr size_t kSavedErrorLineBytes = 256 * 1024;

// A published cursor and when it was saved; nullopt when malformed.
std::optional<std::pair<store::LogCursor, TimeMs>> ParsePublishedCursor(const std::string& text) {
  long long tx = 0, id = 0, saved_at = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%lld %lld %lld%c", &tx, &id, &saved_at, &extra) != 3 || tx < 0 ||
      id < 0)
    return std::nullopt;
  return std::make_pair(store::LogCursor{tx, id}, static_cast<TimeMs>(saved_at));
}

// The newest of `lines` (oldest first) whose messages fit in kSavedErrorLineBytes, oldest first.
std::vector<analysis::LogLineEvidence> NewestWithinBudget(
    const std::vector<analysis::LogLineEvidence>& lines) {
  size_t bytes = 0;
  auto first = lines.end();
  while (first != lines.begin() && bytes + std::prev(first)->message.size() <= kSavedErrorLineBytes)
    bytes += (--first)->message.size();
  return {first, lines.end()};
}

}  // namespace

void LogMining::RunFromStore() {
  std::unique_lock lock(intake_mu_);
  while (!stopping_) {
    wake_ = false;
    lock.unlock();
    // Lines held back by a transaction in flight come with a later poll: no waiting here.
    auto caught_up = CatchUp(kWorkerBudgetMs, /*wait_held_back=*/false);
    if (!caught_up) WarnCatchUpFailed(caught_up.error());
    SaveNowAndThen();
    lock.lock();
    if (caught_up && !*caught_up) continue;  // more to read
    // Idle (or the store failed): lines stored here wake the worker; other nodes' are polled.
    queue_cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                       [this] { return stopping_ || wake_; });
  }
}

Result<bool> LogMining::CatchUp(TimeMs budget_ms, bool wait_held_back) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(budget_ms);
  auto pause = std::chrono::milliseconds(1);  // between reads while lines are held back
  std::lock_guard tail(tail_mu_);
  for (;;) {
    store::LogCursor cursor;
    {
      std::lock_guard lock(miners_mu_);
      cursor = cursor_;
    }
    QUELL_ASSIGN_OR_RETURN(store::LogPage page, store_.ReadLogsAfter(cursor, kPage));
    if (!page.entries.empty()) {
      // Lines of the stretch this page covers that are not in it were pruned before this node
      // read them (store.h, PruneLogs): not mined, ever.
      std::vector<int64_t> read;
      read.reserve(page.entries.size());
      for (const auto& e : page.entries) read.push_back(e.id);
      QUELL_ASSIGN_OR_RETURN(auto pruned, store_.CountPrunedBetween(cursor, page.next, read));
      {
        std::lock_guard lock(miners_mu_);
        MineLines(page.entries.begin(), page.entries.end());
        cursor_ = page.next;
      }
      {
        std::lock_guard lock(intake_mu_);
        KeepErrorLines(page.entries);
        mined_lines_ += page.entries.size();
        for (const auto& p : pruned)
          CountNotMined(p.service, p.minute, static_cast<uint64_t>(p.lines));
      }
      if (options_.on_not_mined)
        for (const auto& p : pruned)
          options_.on_not_mined(p.service, static_cast<uint64_t>(p.lines));
      idle_cv_.notify_all();
    }
    const bool at_end = page.entries.size() < static_cast<size_t>(kPage);
    if (at_end && !(page.held_back && wait_held_back)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (at_end) {
      // Held back behind a transaction that began before theirs and still runs: usually
      // milliseconds.
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
  }
}

void LogMining::CatchUpForReader() {
  if (!options_.from_store) return;
  auto caught_up = CatchUp(options_.catch_up_ms, /*wait_held_back=*/true);
  if (!caught_up) WarnCatchUpFailed(caught_up.error());
}

uint64_t LogMining::CountBehind(const std::string& service, TimeMs from, TimeMs to) {
  store::LogCursor cursor;
  {
    std::lock_guard lock(miners_mu_);
    cursor = cursor_;
  }
  auto behind = store_.CountLogsAfter(cursor, service, from, to);
  if (!behind) {
    spdlog::warn("counting the log lines not mined yet failed: {}", behind.error().ToString());
    return 0;
  }
  return static_cast<uint64_t>(*behind);
}

void LogMining::WarnCatchUpFailed(const Status& error) {
  std::lock_guard tail(tail_mu_);
  if (const TimeMs now = clock_.Now(); now - last_catch_up_warning_ >= kMinuteMs) {
    last_catch_up_warning_ = now;
    spdlog::warn("reading the stored log lines to mine failed: {}", error.ToString());
  }
}

Status LogMining::LoadSnapshot() {
  CheckNodeId();
  QUELL_ASSIGN_OR_RETURN(auto saved, store_.ListSettings(kSnapshotPrefix));
  // The unit furthest on holds every line before its cursor, whichever node saved it.
  std::optional<MinerSnapshot> best;
  std::string best_key;
  std::vector<std::pair<std::string, TimeMs>> others;
  for (const auto& [key, value] : saved) {
    auto snapshot = DecodeMinerSnapshot(value);
    if (!snapshot) {
      spdlog::warn("ignoring the saved log miner unit {}: {}", key, snapshot.error().ToString());
      continue;
    }
    if (!best || std::tie(snapshot->cursor, snapshot->saved_at) >
                     std::tie(best->cursor, best->saved_at)) {
      if (best) others.emplace_back(best_key, best->saved_at);
      best = std::move(*snapshot);
      best_key = key;
    } else {
      others.emplace_back(key, snapshot->saved_at);
    }
  }
  const TimeMs now = clock_.Now();
  auto cursors = store_.ListSettings(kCursorPrefix);
  if (cursors)
    for (const auto& [key, value] : *cursors)
      if (auto published = ParsePublishedCursor(value);
          !published || now - published->second > kStaleSnapshotMs)
        others.emplace_back(key, published ? published->second : 0);
  for (const auto& [key, saved_at] : others) {
    if (now - saved_at <= kStaleSnapshotMs) continue;
    // Housekeeping: a failure leaves the unit for the next start, it does not stop this one.
    if (auto deleted = store_.DeleteSetting(key); !deleted)
      spdlog::warn("removing the stale log miner unit {} failed: {}", key,
                   deleted.error().ToString());
  }
  {
    std::lock_guard lock(miners_mu_);
    if (best) {
      for (const auto& [service, state] : best->services) RestoreMiner(service, state);
      // Levels of services whose miner was not restored (unusable state) would name templates
      // the new miner numbers anew.
      for (auto& [service, by_template] : best->levels)
        if (miners_.contains(service))
          for (auto& [id, level] : by_template) levels_[{service, id}] = std::move(level);
      cursor_ = best->cursor;
      spdlog::info("log mining reads on from the state {} saved ({} services)", best_key,
                   best->services.size());
    }
    CountTemplates();
  }
  if (best) {
    std::lock_guard lock(intake_mu_);
    error_lines_ = std::move(best->error_lines);
    for (auto& [service, minutes] : best->not_mined) {
      auto& counts = not_mined_[service];
      for (const auto& [minute, lines] : minutes) counts.total += lines;
      counts.minutes = std::move(minutes);
    }
  }
  // At once, so no prune forgets pruned lines this node has not passed yet.
  if (Status published = PublishCursor(best ? best->cursor : store::LogCursor{}, now);
      !published.ok())
    spdlog::warn("saving the log miner's cursor failed: {}", published.ToString());
  return Status::Ok();
}

Status LogMining::PublishCursor(const store::LogCursor& cursor, TimeMs now) {
  return store_.PutSetting(
      kCursorPrefix + node_id_,
      std::to_string(cursor.tx) + " " + std::to_string(cursor.id) + " " + std::to_string(now));
}

Result<store::LogCursor> LogMining::PruneFloor() {
  QUELL_ASSIGN_OR_RETURN(auto cursors, store_.ListSettings(kCursorPrefix));
  store::LogCursor floor;
  {
    std::lock_guard lock(miners_mu_);
    floor = cursor_;
  }
  const TimeMs now = clock_.Now();
  for (const auto& [key, value] : cursors)
    if (auto published = ParsePublishedCursor(value);
        published && now - published->second <= kStaleSnapshotMs)
      floor = std::min(floor, published->first);
  return floor;
}

Status LogMining::SaveSnapshot() {
  CheckNodeId();
  MinerSnapshot snapshot;
  {
    // No CatchUp in between: the error lines are those of the lines before the cursor.
    std::lock_guard tail(tail_mu_);
    {
      std::lock_guard lock(miners_mu_);
      snapshot.cursor = cursor_;
      for (const auto& [service, miner] : miners_) {
        snapshot.services[service] = miner.SaveState();
        for (const auto* cluster : miner.miner().Clusters())
          if (auto level = levels_.find({service, cluster->id}); level != levels_.end())
            snapshot.levels[service][cluster->id] = level->second;
      }
    }
    std::lock_guard lock(intake_mu_);
    for (const auto& [service, lines] : error_lines_)
      snapshot.error_lines[service] = NewestWithinBudget(lines);
    for (const auto& [service, counts] : not_mined_) snapshot.not_mined[service] = counts.minutes;
  }
  snapshot.saved_at = clock_.Now();
  QUELL_RETURN_IF_ERROR(
      store_.PutSetting(kSnapshotPrefix + node_id_, EncodeMinerSnapshot(snapshot)));
  return PublishCursor(snapshot.cursor, snapshot.saved_at);
}

}  // namespace quell::engine
