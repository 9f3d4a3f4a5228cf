// LogMining in store mode (several nodes on one database): every node mines every stored line,
// whichever node stored it; the cursor and the miners are saved as one unit per node, and a node
// starting reads on from the unit furthest on, so restarts neither lose nor double-count lines.
// Two LogMining on one SQLite store stand for two nodes (the PostgreSQL cursor itself, with
// transactions committing out of order, is tested in store/postgres/pg_log_cursor_test.cc, and real
// nodes in tests/postgres_logs_test.cc).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine/log_mining_test_fixture.h"
#include "engine/miner_snapshot.h"

namespace quell::engine {
namespace {

class LogMiningStoreTest : public LogMiningTest {
 protected:
  static LogMiningOptions StoreMode() {
    LogMiningOptions o;
    o.from_store = true;
    o.poll_ms = 10;
    return o;
  }
  static uint64_t Total(const std::map<std::string, uint64_t>& counts) {
    uint64_t n = 0;
    for (const auto& [text, c] : counts) n += c;
    return n;
  }
  std::map<std::string, uint64_t> ApiCounts(LogMining& node) {
    return Counts(node.Templates({"api"}, kT, kT, kT + 2 * kHourMs));
  }
};

TEST_F(LogMiningStoreTest, EveryNodeMinesTheLinesAnyNodeStored) {
  LogMining a(*store_, clock_, StoreMode());
  LogMining b(*store_, clock_, StoreMode());
  b.Start();  // one node with its worker, one whose readers catch up
  ASSERT_TRUE(a.Ingest(Lines("api", 1500)).ok());
  ASSERT_TRUE(b.Ingest(Lines("api", 1500, 1500)).ok());
  ASSERT_TRUE(b.Ingest(Lines("web", 10)).ok());
  EXPECT_EQ(a.NotMined("api", kT, kT + kHourMs), 3000u) << "stored, not read yet";
  EXPECT_EQ(a.Backlog(), 3010u) << "every service's lines after a's cursor";

  for (LogMining* node : {&a, &b}) {
    auto counts = ApiCounts(*node);
    EXPECT_EQ(counts["cache miss for key <*>"], 1500u);
    EXPECT_EQ(counts["user <*> logged in from <*>"], 1500u);
    EXPECT_EQ(counts.size(), 2u);
    EXPECT_EQ(Total(Counts(node->Templates({"web"}, kT, kT, kT + kHourMs))), 10u);
    EXPECT_EQ(node->NotMined("api", kT, kT + kHourMs), 0u);
    // The error lines of both nodes' lines (the last 200 of each service).
    auto errors = node->ErrorLines({"api"}, kT, kT + 2 * kHourMs);
    ASSERT_EQ(errors.size(), 200u);
    EXPECT_EQ(errors.back().ts, kT + 2998 * kSecondMs) << "the last error line, stored by b";
    EXPECT_EQ(node->Stats().mined_lines, 3010u);
    EXPECT_EQ(node->Stats().not_mined_lines, 0u);
  }
  EXPECT_EQ(a.Backlog(), 0u);
  EXPECT_TRUE(a.TemplatesWithGaps({"api"}, kT, kT, kT + kHourMs).size() == 2u)
      << "no note of lines not mined";

  // Listing classifies rows with this node's own template ids.
  store::LogQuery q;
  q.service = "api";
  q.limit = 2;
  auto rows = store_->ListLogs(q);
  ASSERT_TRUE(rows);
  a.ClassifyStored(*rows);
  EXPECT_NE((*rows)[0].template_id, 0u);
  EXPECT_NE((*rows)[0].template_id, (*rows)[1].template_id);
  b.Shutdown();
}

TEST_F(LogMiningStoreTest, AWorkerMinesWhatOtherNodesStoreWithoutBeingAsked) {
  LogMining a(*store_, clock_, StoreMode());
  LogMining b(*store_, clock_, StoreMode());
  a.Start();
  ASSERT_TRUE(b.Ingest(Lines("api", 100)).ok());  // b's worker never runs
  for (int i = 0; i < 500 && a.Stats().mined_lines < 100; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(a.Stats().mined_lines, 100u) << "a's worker polls the store";
  EXPECT_EQ(b.Stats().mined_lines, 0u);
  a.Shutdown();
}

TEST_F(LogMiningStoreTest, RestartsNeitherLoseNorDoubleCountLines) {
  {
    LogMining a(*store_, clock_, StoreMode());
    ASSERT_TRUE(a.LoadState().ok());
    ASSERT_TRUE(a.Ingest(Lines("api", 1000)).ok());
    ASSERT_TRUE(a.WaitMined(30'000));
    ASSERT_TRUE(a.SaveState().ok());  // cursor after line 1000, with the miners as they were
    // Stored after the save, by another node: the saved unit does not hold them.
    LogMining b(*store_, clock_, StoreMode());
    ASSERT_TRUE(b.Ingest(Lines("api", 500, 1000)).ok());
    EXPECT_EQ(Total(ApiCounts(a)), 1500u);
  }  // a stops with lines mined after its last save: the next start reads them again, once
  {
    LogMining again(*store_, clock_, StoreMode());
    ASSERT_TRUE(again.LoadState().ok());
    EXPECT_EQ(again.NotMined("api", kT, kT + kHourMs), 500u);
    EXPECT_EQ(Total(ApiCounts(again)), 1500u) << "1000 from the saved unit, 500 read on";
    EXPECT_EQ(again.Stats().mined_lines, 500u);
    ASSERT_TRUE(again.SaveState().ok());
  }
  auto saved = store_->ListSettings("logminer-node:");
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->size(), 2u) << "one unit per node: nobody overwrote the other";
  // A node starting loads the unit furthest on, whichever node saved it.
  LogMining fresh(*store_, clock_, StoreMode());
  ASSERT_TRUE(fresh.LoadState().ok());
  EXPECT_EQ(Total(ApiCounts(fresh)), 1500u);
  EXPECT_EQ(fresh.Stats().mined_lines, 0u) << "nothing was left to read";
  EXPECT_TRUE(store_->ListSettings("logminer:")->empty()) << "no per-service rows in store mode";

  // Units of nodes gone for over an hour are removed when a node starts; the furthest stays.
  clock_.Advance(2 * kHourMs);
  LogMining later(*store_, clock_, StoreMode());
  ASSERT_TRUE(later.LoadState().ok());
  saved = store_->ListSettings("logminer-node:");
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->size(), 1u);
  auto kept = DecodeMinerSnapshot(saved->front().second);
  ASSERT_TRUE(kept) << kept.error().ToString();
  EXPECT_EQ(kept->cursor.id, 1500);
  EXPECT_EQ(Total(ApiCounts(later)), 1500u);
}

// A node far behind whose lines another node pruned counts them as not mined when it reads on
// past them, once each: in its templates' gaps, its stats and the not-mined callback.
TEST_F(LogMiningStoreTest, LinesPrunedBeforeANodeReadThemAreCountedAsNotMined) {
  LogMiningOptions o = StoreMode();
  o.max_rows = 100;
  std::map<std::string, uint64_t> reported;
  o.on_not_mined = [&reported](const std::string& service, uint64_t n) { reported[service] += n; };
  LogMining a(*store_, clock_, o);
  LogMining b(*store_, clock_, o);
  ASSERT_TRUE(a.LoadState().ok());
  ASSERT_TRUE(b.LoadState().ok());  // b's place (the start) is known to a's prunes
  ASSERT_TRUE(a.Ingest(Lines("api", 50)).ok());  // batch 0 prunes (nothing yet)
  for (int i = 0; i < 99; ++i) ASSERT_TRUE(a.Ingest(Lines("api", 1, 50 + i)).ok());
  ASSERT_TRUE(a.WaitMined(30'000));  // a reads all 149
  ASSERT_TRUE(a.Ingest(Lines("api", 60, 149)).ok());  // batch 100 prunes to 100 rows
  EXPECT_EQ(StoredRows("api"), 100u) << "109 pruned";
  ASSERT_TRUE(a.WaitMined(30'000));
  EXPECT_EQ(a.NotMined("api", kT, kT + kHourMs), 0u) << "a had read what was pruned";
  EXPECT_EQ(Total(ApiCounts(a)), 209u);

  // b reads on: 100 lines stored, 109 pruned before it read them.
  EXPECT_EQ(Total(ApiCounts(b)), 100u);
  EXPECT_EQ(b.NotMined("api", kT, kT + kHourMs), 109u);
  EXPECT_EQ(b.NotMined("api", kT + kMinuteMs, kT + kMinuteMs), 49u)
      << "by minute: the pruned lines 60..108 of the second minute";
  EXPECT_EQ(b.Stats().not_mined_lines, 109u);
  EXPECT_EQ(b.Stats().mined_lines, 100u);
  EXPECT_EQ(reported["api"], 109u);
  EXPECT_EQ(b.NotMined("api", kT, kT + kHourMs), 109u) << "counted once";
  auto notes = b.TemplatesWithGaps({"api"}, kT, kT, kT + kHourMs);
  ASSERT_FALSE(notes.empty());
  EXPECT_TRUE(notes.back().not_mined);
  EXPECT_EQ(notes.back().count, 109u);

  // Saved with b's unit: a node started from it counts them too.
  ASSERT_TRUE(b.SaveState().ok());
  LogMining c(*store_, clock_, o);
  ASSERT_TRUE(c.LoadState().ok());
  EXPECT_EQ(c.NotMined("api", kT, kT + kHourMs), 109u);
  EXPECT_EQ(c.NotMined("api", kT + kMinuteMs, kT + kMinuteMs), 49u);
}

// What the analyst gets besides the templates' counts, the levels of the templates and the error
// lines, are in the unit too: a node restarted from it answers as the node that saved it.
TEST_F(LogMiningStoreTest, ARestartedNodeHasTheLevelsAndErrorLinesOfTheLinesBeforeItsCursor) {
  LogMining a(*store_, clock_, StoreMode());
  ASSERT_TRUE(a.Ingest(Lines("api", 600)).ok());
  ASSERT_TRUE(a.Ingest(Lines("web", 10)).ok());
  ASSERT_TRUE(a.WaitMined(30'000));
  ASSERT_TRUE(a.SaveState().ok());

  LogMining again(*store_, clock_, StoreMode());
  ASSERT_TRUE(again.LoadState().ok());
  EXPECT_EQ(again.Stats().mined_lines, 0u) << "everything came from the unit";
  for (const std::string service : {"api", "web"}) {
    auto before = a.ErrorLines({service}, kT, kT + 2 * kHourMs);
    auto after = again.ErrorLines({service}, kT, kT + 2 * kHourMs);
    ASSERT_EQ(after.size(), before.size()) << service;
    ASSERT_FALSE(after.empty()) << service;
    for (size_t i = 0; i < after.size(); ++i) {
      EXPECT_EQ(after[i].service, before[i].service);
      EXPECT_EQ(after[i].ts, before[i].ts);
      EXPECT_EQ(after[i].level, before[i].level);
      EXPECT_EQ(after[i].message, before[i].message);
    }
    auto templates = again.Templates({service}, kT, kT, kT + 2 * kHourMs);
    auto expected = a.Templates({service}, kT, kT, kT + 2 * kHourMs);
    ASSERT_EQ(templates.size(), expected.size()) << service;
    for (size_t i = 0; i < templates.size(); ++i) {
      EXPECT_EQ(templates[i].text, expected[i].text);
      EXPECT_EQ(templates[i].level, expected[i].level) << templates[i].text;
      EXPECT_FALSE(templates[i].level.empty()) << templates[i].text;
    }
  }

  // Long error lines: the unit keeps the newest that fit in 256 KiB per service.
  std::vector<model::LogEntry> long_lines = Lines("api", 3, 600);
  for (auto& e : long_lines) {
    e.level = "error";
    e.message = std::string(100 * 1024, 'x') + " " + std::to_string(e.ts);
  }
  ASSERT_TRUE(a.Ingest(long_lines).ok());
  ASSERT_TRUE(a.WaitMined(30'000));
  ASSERT_TRUE(a.SaveState().ok());
  LogMining third(*store_, clock_, StoreMode());
  ASSERT_TRUE(third.LoadState().ok());
  auto kept = third.ErrorLines({"api"}, kT, kT + 2 * kHourMs);
  ASSERT_EQ(kept.size(), 2u) << "the last two of the three long lines, nothing older";
  EXPECT_EQ(kept[0].ts, long_lines[1].ts);
  EXPECT_EQ(kept[1].ts, long_lines[2].ts);
  EXPECT_EQ(a.ErrorLines({"api"}, kT, kT + 2 * kHourMs).size(), 200u) << "in memory: all";
}

// A node with an id of its own (app/node_id.h) saves under it at every start: no unit left
// behind. One whose id another live node holds saves under a random one, never over the other's.
TEST_F(LogMiningStoreTest, ANodeSavesUnderItsOwnIdUnlessAnotherLiveNodeHasIt) {
  bool held = true;
  LogMiningOptions o = StoreMode();
  o.node_id = "web-1";
  o.node_id_held = [&held] { return held; };
  for (int start = 0; start < 3; ++start) {
    LogMining node(*store_, clock_, o);
    ASSERT_TRUE(node.LoadState().ok());
    ASSERT_TRUE(node.Ingest(Lines("api", 10, start * 10)).ok());
    ASSERT_TRUE(node.WaitMined(30'000));
    ASSERT_TRUE(node.SaveState().ok());
    EXPECT_EQ(node.node_id(), "web-1");
  }
  auto saved = store_->ListSettings("logminer-node:");
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->size(), 1u) << "three starts, one unit";
  EXPECT_EQ(saved->front().first, "logminer-node:web-1");
  const std::string web1 = saved->front().second;

  held = false;  // a second live node with the same id (a copied data dir)
  LogMining twin(*store_, clock_, o);
  ASSERT_TRUE(twin.LoadState().ok());
  EXPECT_NE(twin.node_id(), "web-1");
  EXPECT_EQ(Total(ApiCounts(twin)), 30u) << "it still reads on from the unit furthest on";
  held = true;  // asked again before the save: once renamed, it keeps its new name
  ASSERT_TRUE(twin.SaveState().ok());
  EXPECT_NE(twin.node_id(), "web-1");
  saved = store_->ListSettings("logminer-node:");
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->size(), 2u);
  EXPECT_EQ(*store_->GetSetting("logminer-node:web-1"), web1) << "not overwritten by the twin";

  // Without an id of its own, a random one per start (as before node ids).
  LogMining anonymous(*store_, clock_, StoreMode());
  LogMining other(*store_, clock_, StoreMode());
  EXPECT_NE(anonymous.node_id(), other.node_id());
  EXPECT_EQ(anonymous.node_id().size(), 16u);
}

TEST_F(LogMiningStoreTest, ASnapshotRoundTripsAndABrokenOneIsAnError) {
  MinerSnapshot s;
  s.cursor = {7, 42};
  s.saved_at = kT;
  s.services["api"] = "{\"state\":1}";
  s.services["we\"b"] = std::string("bytes \xff\x01", 8);
  auto back = DecodeMinerSnapshot(EncodeMinerSnapshot(s));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->cursor, s.cursor);
  EXPECT_EQ(back->saved_at, kT);
  EXPECT_EQ(back->services, s.services);
  EXPECT_TRUE(back->levels.empty());
  EXPECT_TRUE(back->error_lines.empty());
  s.levels["api"][3] = "error";
  s.levels["api"][12] = "warn";
  s.error_lines["api"] = {{"api", kT, "error", std::string("boom \xfe", 6), ""},
                          {"api", kT + 1, "fatal", "down", ""}};
  back = DecodeMinerSnapshot(EncodeMinerSnapshot(s));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->levels, s.levels);
  ASSERT_EQ(back->error_lines["api"].size(), 2u);
  EXPECT_EQ(back->error_lines["api"][0].message, s.error_lines["api"][0].message);
  EXPECT_EQ(back->error_lines["api"][1].ts, kT + 1);
  EXPECT_EQ(back->error_lines["api"][1].level, "fatal");
  EXPECT_EQ(back->error_lines["api"][1].service, "api");
  s.not_mined["api"][kT] = 7;
  back = DecodeMinerSnapshot(EncodeMinerSnapshot(s));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->not_mined, s.not_mined);
  // A unit saved before levels and error lines were kept still loads.
  auto old_unit = DecodeMinerSnapshot(
      "{\"version\":1,\"cursor\":[1,2],\"saved_at\":0,\"services\":{\"api\":\"x\"}}");
  ASSERT_TRUE(old_unit) << old_unit.error().ToString();
  EXPECT_TRUE(old_unit->levels.empty());
  for (const char* broken : {"", "[]", "{\"version\":1}", "{\"version\":2,\"cursor\":[1,2]}",
                             "{\"version\":1,\"cursor\":[1],\"saved_at\":0,\"services\":{}}",
                             "{\"version\":1,\"cursor\":[-1,2],\"saved_at\":0,\"services\":{}}",
                             "{\"version\":1,\"cursor\":[1,-2],\"saved_at\":0,\"services\":{}}",
                             "{\"version\":1,\"cursor\":[1,2],\"saved_at\":0,\"services\":{},"
                             "\"levels\":{\"api\":{\"x\":\"error\"}}}",
                             "{\"version\":1,\"cursor\":[1,2],\"saved_at\":0,\"services\":{},"
                             "\"error_lines\":{\"api\":[[1,\"error\"]]}}"}) {
    auto decoded = DecodeMinerSnapshot(broken);
    ASSERT_FALSE(decoded) << broken;
    EXPECT_EQ(decoded.error().code(), StatusCode::kInvalidArgument) << broken;
  }
  // A broken unit in the store is skipped; the others still load.
  ASSERT_TRUE(store_->PutSetting("logminer-node:broken", "{").ok());
  LogMining node(*store_, clock_, StoreMode());
  EXPECT_TRUE(node.LoadState().ok());
}

}  // namespace
}  // namespace quell::engine
