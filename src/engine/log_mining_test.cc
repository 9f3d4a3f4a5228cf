// LogMining: lines are stored at once and mined on a worker through a bounded queue; a full
// queue stores and counts lines without mining or blocking; shutdown drains; the online miner
// has the CLI's options; the analyst is told when a window's templates are incomplete.
#include "engine/log_mining.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <thread>

#include "analysis/builtin_analyst.h"
#include "engine/log_mining_test_fixture.h"

namespace quell::engine {
namespace {

TEST_F(LogMiningTest, MinesOnTheWorkerAndTemplatesAppearWhenTheQueueDrains) {
  LogMining mining(*store_, clock_);
  // Before the worker starts, lines are stored and wait in the queue: Ingest does not mine.
  ASSERT_TRUE(mining.Ingest(Lines("api", 1000)).ok());
  EXPECT_EQ(StoredRows("api"), 1000u);
  EXPECT_TRUE(mining.Templates({"api"}, kT, kT, kT + kHourMs).empty());
  EXPECT_EQ(mining.Stats().queued_lines, 1000u);
  EXPECT_EQ(mining.Stats().templates, 0u);
  EXPECT_FALSE(mining.WaitMined(50));

  mining.Start();
  for (int b = 1; b < 5; ++b) ASSERT_TRUE(mining.Ingest(Lines("api", 1000, b * 1000)).ok());
  ASSERT_TRUE(mining.WaitMined(30'000));
  auto counts = Counts(mining.Templates({"api"}, kT, kT, kT + kHourMs * 2));
  EXPECT_EQ(counts["cache miss for key <*>"], 2500u);
  EXPECT_EQ(counts["user <*> logged in from <*>"], 2500u);
  EXPECT_EQ(counts.size(), 2u);
  const auto stats = mining.Stats();
  EXPECT_EQ(stats.mined_lines, 5000u);
  EXPECT_EQ(stats.queued_lines, 0u);
  EXPECT_EQ(stats.not_mined_lines, 0u);
  EXPECT_EQ(stats.templates, 2u);

  // Rows are stored before they are mined (template_id 0); listing classifies them.
  store::LogQuery q;
  q.service = "api";
  q.limit = 2;
  auto rows = store_->ListLogs(q);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].template_id, 0u);
  mining.ClassifyStored(*rows);
  EXPECT_NE((*rows)[0].template_id, 0u);
  EXPECT_NE((*rows)[1].template_id, 0u);
  EXPECT_NE((*rows)[0].template_id, (*rows)[1].template_id);
  // Error lines are kept for the analyst whether or not they were mined.
  EXPECT_EQ(mining.ErrorLines({"api"}, kT, kT + 2 * kHourMs).size(), 200u);  // the last 200
}

TEST_F(LogMiningTest, AFullQueueStoresAndCountsLinesWithoutMiningOrBlocking) {
  std::map<std::string, uint64_t> reported;
  LogMiningOptions options;
  options.queue_lines = 10;
  options.on_not_mined = [&reported](const std::string& service, uint64_t n) {
    reported[service] += n;
  };
  LogMining mining(*store_, clock_, options);  // the worker is not started: nothing drains
  auto ingest = std::async(std::launch::async, [&] {
    Status a = mining.Ingest(Lines("a", 25));
    Status b = mining.Ingest(Lines("b", 5));
    return a.ok() && b.ok();
  });
  if (ingest.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    mining.Start();  // unblock it, then fail
    FAIL() << "Ingest waited for the miner on a full queue";
  }
  ASSERT_TRUE(ingest.get());
  // Everything is stored; 10 lines fit the queue, the rest are counted per service.
  EXPECT_EQ(StoredRows("a"), 25u);
  EXPECT_EQ(StoredRows("b"), 5u);
  EXPECT_EQ(reported, (std::map<std::string, uint64_t>{{"a", 15}, {"b", 5}}));
  EXPECT_EQ(mining.NotMined("a", kT, kT + kHourMs), 15u);
  EXPECT_EQ(mining.NotMined("b", kT, kT + kHourMs), 5u);
  EXPECT_EQ(mining.NotMined("a", kT + kHourMs, kT + 2 * kHourMs), 0u) << "outside the window";
  EXPECT_EQ(mining.Stats().not_mined_lines, 20u);
  EXPECT_EQ(mining.Stats().queued_lines, 10u);

  mining.Start();
  ASSERT_TRUE(mining.WaitMined(30'000));
  auto templates = mining.TemplatesWithGaps({"a", "b"}, kT, kT, kT + kHourMs);
  uint64_t mined = 0;
  std::map<std::string, uint64_t> gaps;
  for (const auto& t : templates) {
    if (t.not_mined) {
      gaps[t.service] = t.count;
      EXPECT_NE(t.text.find("not mined"), std::string::npos) << t.text;
    } else {
      mined += t.count;
    }
  }
  EXPECT_EQ(mined, 10u);  // the queued lines of a
  EXPECT_EQ(gaps, (std::map<std::string, uint64_t>{{"a", 15}, {"b", 5}}));
  // With room again, lines are mined.
  ASSERT_TRUE(mining.Ingest(Lines("b", 4, 100)).ok());
  ASSERT_TRUE(mining.WaitMined(30'000));
  EXPECT_EQ(Counts(mining.Templates({"b"}, kT, kT, kT + kHourMs)).size(), 2u);
}

TEST_F(LogMiningTest, ShutdownMinesWhatIsQueuedAndTheStateIsSaved) {
  {
    LogMining mining(*store_, clock_);
    mining.Start();
    for (int b = 0; b < 20; ++b) ASSERT_TRUE(mining.Ingest(Lines("api", 1000, b * 1000)).ok());
    mining.Shutdown();  // drains: nothing queued is dropped
    EXPECT_EQ(mining.Stats().mined_lines, 20'000u);
    EXPECT_EQ(mining.Stats().queued_lines, 0u);
    // After shutdown lines are still stored, and counted as not mined.
    ASSERT_TRUE(mining.Ingest(Lines("api", 3, 50'000)).ok());
    EXPECT_EQ(mining.Stats().not_mined_lines, 3u);
    EXPECT_EQ(StoredRows("api"), 20'003u);
    ASSERT_TRUE(mining.SaveState().ok());
    mining.Shutdown();  // idempotent
  }
  {
    // Never started: Shutdown mines the queue on the calling thread.
    LogMining mining(*store_, clock_);
    ASSERT_TRUE(mining.LoadState().ok());
    ASSERT_TRUE(mining.Ingest(Lines("web", 10)).ok());
    mining.Shutdown();
    EXPECT_EQ(mining.Stats().mined_lines, 10u);
    EXPECT_EQ(Counts(mining.Templates({"web"}, kT, kT, kT + kHourMs)).size(), 2u);
    // The saved state came back.
    auto counts = Counts(mining.Templates({"api"}, kT, kT, kT + 24 * kHourMs));
    EXPECT_EQ(counts["cache miss for key <*>"], 10'000u);
  }
}

TEST_F(LogMiningTest, IngestFromManyThreadsWhileTheAnalystReads) {
  LogMining mining(*store_, clock_);
  mining.Start();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&mining, t] {
      for (int b = 0; b < 10; ++b)
        EXPECT_TRUE(mining.Ingest(Lines("svc" + std::to_string(t % 2), 200, b * 200)).ok());
    });
  for (int i = 0; i < 50; ++i) {
    (void)mining.TemplatesWithGaps({"svc0", "svc1"}, kT, kT, kT + kHourMs);
    (void)mining.ErrorLines({"svc0"}, kT, kT + kHourMs);
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(mining.WaitMined(30'000));
  uint64_t total = 0;
  for (const auto& [text, n] : Counts(mining.Templates({"svc0", "svc1"}, kT, kT, kT + kHourMs)))
    total += n;
  EXPECT_EQ(total, 8000u);
}

TEST_F(LogMiningTest, OnlineMinerHasTheOptionsOfQuellLogmine) {
  // `quell logmine` mines with MinerOptions{}; online mining differs only by its cluster cap.
  auto online = OnlineMinerOptions(5000);
  EXPECT_EQ(online.miner.max_clusters, 5000u);
  online.miner.max_clusters = analysis::logmine::MinerOptions{}.max_clusters;
  EXPECT_TRUE(online.miner == analysis::logmine::MinerOptions{});

  // A state saved with other tree options (the old depth 4) is not kept; one saved with the
  // current ones is.
  auto old_options = OnlineMinerOptions(5000);
  old_options.miner.depth = 4;
  analysis::logmine::ServiceLogMiner old_miner(old_options);
  old_miner.Add("old template here 42", kT);
  analysis::logmine::ServiceLogMiner current(OnlineMinerOptions(5000));
  current.Add("current template here 42", kT);
  ASSERT_TRUE(store_->PutSetting("logminer:old", old_miner.SaveState()).ok());
  ASSERT_TRUE(store_->PutSetting("logminer:current", current.SaveState()).ok());
  LogMining mining(*store_, clock_);
  ASSERT_TRUE(mining.LoadState().ok());
  EXPECT_TRUE(mining.Templates({"old"}, kT, kT, kT + kHourMs).empty());
  EXPECT_EQ(mining.Templates({"current"}, kT, kT, kT + kHourMs).size(), 1u);
}

TEST_F(LogMiningTest, TheAnalystSaysWhenTemplatesAreIncomplete) {
  analysis::EvidencePack pack;
  pack.now = kT + kMinuteMs;
  pack.incident.id = 1;
  pack.incident.opened_at = kT;
  pack.incident.services = {"api"};
  model::Alert alert;
  alert.data.service = "api";
  alert.data.message = "HTTP 500 on /cart";
  alert.data.fingerprint = "f1";
  alert.first_seen = alert.last_seen = kT;
  alert.count = 1;
  pack.alerts = {alert};
  auto without = analysis::BuiltinAnalyst().Analyze(pack);
  ASSERT_TRUE(without);

  LogMiningOptions options;
  options.queue_lines = 0;  // nothing is mined
  LogMining mining(*store_, clock_, options);
  ASSERT_TRUE(mining.Ingest(Lines("api", 7)).ok());
  pack.log_templates = mining.TemplatesWithGaps({"api"}, kT - kHourMs, kT - kMinuteMs, kT + kHourMs);
  ASSERT_EQ(pack.log_templates.size(), 1u);
  auto with = analysis::BuiltinAnalyst().Analyze(pack);
  ASSERT_TRUE(with);
  bool said = false;
  for (const auto& e : with->evidence)
    if (e.kind == "log_gap") {
      said = true;
      EXPECT_EQ(e.ref, "api");
      EXPECT_NE(e.detail.find("7 lines"), std::string::npos) << e.detail;
    }
  EXPECT_TRUE(said);
  EXPECT_DOUBLE_EQ(with->confidence, without->confidence) << "a gap is not a signal";
}

}  // namespace
}  // namespace quell::engine
