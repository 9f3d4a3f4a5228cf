// The log cursor on PostgreSQL (pg_log_cursor.h) with a real server: a log-appending
// transaction still open holds back the lines committed after it began until it ends, and then
// every line is read once; a write transaction elsewhere (another table, another database)
// holds nothing back; lines appended by many writers while a reader reads on are read once
// each; xids of a later epoch are widened right.
#include "store/postgres/pg_log_cursor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_store.h"
#include "support/private_postgres.h"

namespace quell::store {
namespace {

model::LogEntry Line(const std::string& message) {
  model::LogEntry e;
  e.service = "api";
  e.ts = 1;
  e.level = "info";
  e.message = message;
  return e;
}

// A line inserted in `conn`'s open transaction, as another node's AppendLogs does: its id.
Result<int64_t> InsertLine(PgConn& conn, const std::string& message) {
  QUELL_ASSIGN_OR_RETURN(auto result,
                         conn.Query("INSERT INTO log_entries (service, ts, level, message, "
                                    "received_at) VALUES ('api', 1, 'info', $1, 1) RETURNING id",
                                    PgParams().Bind(1, message)));
  return result.Int(0, 0);
}

std::vector<std::string> Messages(const LogPage& page) {
  std::vector<std::string> out;
  for (const auto& e : page.entries) out.push_back(e.message);
  return out;
}

using Strings = std::vector<std::string>;

// A transaction that began appending first and commits last: the lines committed after it
// began wait for it (none skipped), are read right after its COMMIT, in the order the
// transactions began, once each; a rolled-back one holds nothing back once it has ended.
// Reads without retrying: a writer that has ended holds nothing back. The cursor after it all.
LogCursor ExpectReadInTransactionOrder(Store& store, const std::string& url) {
  std::vector<model::LogEntry> before{Line("before")};
  EXPECT_TRUE(store.AppendLogs(before).ok());
  auto slow = PgConn::Open(url);
  EXPECT_TRUE(slow) << slow.error().ToString();
  if (!slow) return {};
  EXPECT_TRUE(BeginLogAppend(**slow).ok());
  auto early = InsertLine(**slow, "slow");
  EXPECT_TRUE(early) << early.error().ToString();
  std::vector<model::LogEntry> fast{Line("fast"), Line("fast")};
  EXPECT_TRUE(store.AppendLogs(fast).ok());
  EXPECT_GT(fast[0].id, *early) << "the later transaction took higher ids";

  auto page = store.ReadLogsAfter({}, 100);
  EXPECT_TRUE(page) << page.error().ToString();
  if (!page) return {};
  EXPECT_EQ(Messages(*page), Strings{"before"}) << "the lines of the open transaction's elders";
  EXPECT_TRUE(page->held_back) << "the reader learns that committed lines wait";
  EXPECT_EQ(*store.CountLogsAfter(page->next, "api", 0, 10), 2) << "committed, not read yet";

  EXPECT_TRUE((*slow)->Exec("COMMIT").ok());
  auto rest = store.ReadLogsAfter(page->next, 100);
  EXPECT_TRUE(rest);
  if (!rest) return {};
  EXPECT_EQ(Messages(*rest), (Strings{"slow", "fast", "fast"})) << "its transaction began first";
  if (rest->entries.size() == 3) {
    EXPECT_EQ(rest->entries[1].id, fast[0].id);
    EXPECT_EQ(rest->entries[2].id, fast[1].id);
  }
  EXPECT_FALSE(rest->held_back);
  auto end = store.ReadLogsAfter(rest->next, 100);
  EXPECT_TRUE(end && end->entries.empty()) << "nothing read twice";
  EXPECT_TRUE(end && !end->held_back);

  EXPECT_TRUE(BeginLogAppend(**slow).ok());
  EXPECT_TRUE(InsertLine(**slow, "gone"));
  std::vector<model::LogEntry> after{Line("after")};
  EXPECT_TRUE(store.AppendLogs(after).ok());
  auto waiting = store.ReadLogsAfter(rest->next, 100);
  EXPECT_TRUE(waiting && waiting->entries.empty() && waiting->held_back);
  EXPECT_TRUE((*slow)->Exec("ROLLBACK").ok());
  auto last = store.ReadLogsAfter(rest->next, 100);
  EXPECT_TRUE(last);
  if (!last) return {};
  EXPECT_EQ(Messages(*last), Strings{"after"});
  EXPECT_FALSE(last->held_back);
  return last->next;
}

class PgLogCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = testing::CreateTestDatabase();
    ASSERT_TRUE(url) << url.error().ToString();
    url_ = *url;
    auto store = OpenPgStore(PgOptions{url_, 4});
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }
  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_F(PgLogCursorTest, AnOpenLogAppendHoldsBackLaterLinesUntilItEnds) {
  ExpectReadInTransactionOrder(*store_, url_);
}

// The limit of reading up to the server's xmin: a migration, a batch job or another
// application's transaction held back every node's mining for as long as it lasted.
// A log append whose lock is not granted (lock_timeout here) leaves its connection outside any
// transaction: back in the pool, an aborted one would fail every later append and read on it.
TEST_F(PgLogCursorTest, AFailedBeginLeavesNoTransactionOpen) {
  auto blocker = PgConn::Open(url_);
  ASSERT_TRUE(blocker);
  // The exclusive form of the log-append lock ("QLOG", 0): nothing in Quell takes it.
  ASSERT_TRUE((*blocker)->Exec("BEGIN; SELECT pg_advisory_xact_lock(1363955527, 0)").ok());
  auto conn = PgConn::Open(url_);
  ASSERT_TRUE(conn);
  ASSERT_TRUE((*conn)->Exec("SET lock_timeout = '50ms'").ok());
  EXPECT_FALSE(BeginLogAppend(**conn).ok()) << "the exclusive lock is held";
  EXPECT_TRUE((*conn)->Exec("SELECT 1").ok()) << "no aborted transaction left";
  EXPECT_FALSE((*conn)->Exec("SAVEPOINT s").ok()) << "only in a transaction block: none open";
  ASSERT_TRUE((*blocker)->Exec("ROLLBACK").ok());
  EXPECT_TRUE(BeginLogAppend(**conn).ok());
  EXPECT_TRUE((*conn)->Exec("ROLLBACK").ok());
}

TEST_F(PgLogCursorTest, AWriteTransactionElsewhereHoldsNothingBack) {
  auto other_database = testing::CreateTestDatabase();
  ASSERT_TRUE(other_database) << other_database.error().ToString();
  auto elsewhere = PgConn::Open(*other_database);
  ASSERT_TRUE(elsewhere) << elsewhere.error().ToString();
  ASSERT_TRUE(
      (*elsewhere)->Exec("BEGIN; CREATE TABLE busy (x int); INSERT INTO busy VALUES (1)").ok());
  // Another Quell appending logs in its own database does not hold this one back either.
  auto other_quell = PgConn::Open(*other_database);
  ASSERT_TRUE(other_quell);
  ASSERT_TRUE(BeginLogAppend(**other_quell).ok());
  ASSERT_TRUE((*other_quell)->Exec("SELECT pg_current_xact_id()").ok());  // an xid, as an INSERT
  auto same_database = PgConn::Open(url_);
  ASSERT_TRUE(same_database);
  ASSERT_TRUE(
      (*same_database)->Exec("BEGIN; INSERT INTO settings (key, value) VALUES ('busy', '1')").ok());

  std::vector<model::LogEntry> lines{Line("one"), Line("two")};
  ASSERT_TRUE(store_->AppendLogs(lines).ok());
  auto page = store_->ReadLogsAfter({}, 100);
  ASSERT_TRUE(page) << page.error().ToString();
  EXPECT_EQ(Messages(*page), (Strings{"one", "two"}));
  EXPECT_FALSE(page->held_back);

  for (auto* conn : {&*elsewhere, &*other_quell, &*same_database})
    EXPECT_TRUE((*conn)->Exec("ROLLBACK").ok());
  auto end = store_->ReadLogsAfter(page->next, 100);
  ASSERT_TRUE(end);
  EXPECT_TRUE(end->entries.empty());
}

// Between its lock and its first INSERT a log append has no xid: it holds nothing back, and the
// xid it gets later is above every line read meanwhile.
TEST_F(PgLogCursorTest, ALogAppendWithoutAnXidYetIsReadAfterWhatCommittedMeanwhile) {
  auto slow = PgConn::Open(url_);
  ASSERT_TRUE(slow);
  ASSERT_TRUE(BeginLogAppend(**slow).ok());
  std::vector<model::LogEntry> fast{Line("fast")};
  ASSERT_TRUE(store_->AppendLogs(fast).ok());
  auto page = store_->ReadLogsAfter({}, 100);
  ASSERT_TRUE(page);
  EXPECT_EQ(Messages(*page), Strings{"fast"});
  EXPECT_FALSE(page->held_back);

  ASSERT_TRUE(InsertLine(**slow, "slow"));
  auto waiting = store_->ReadLogsAfter(page->next, 100);
  ASSERT_TRUE(waiting);
  EXPECT_TRUE(waiting->entries.empty());
  EXPECT_FALSE(waiting->held_back) << "nothing committed after it yet";
  ASSERT_TRUE((*slow)->Exec("COMMIT").ok());
  auto rest = store_->ReadLogsAfter(page->next, 100);
  ASSERT_TRUE(rest);
  EXPECT_EQ(Messages(*rest), Strings{"slow"});
}

// Writers on two nodes (AppendLogs, and transactions held open a random moment before and
// after their INSERT, some rolled back) while a third node reads on in small pages: each
// committed line is read exactly once, none of the rolled-back ones.
TEST_F(PgLogCursorTest, LinesAppendedConcurrentlyAreReadOnceEach) {
  auto reader_store = OpenPgStore(PgOptions{url_, 2});
  ASSERT_TRUE(reader_store);
  std::mutex mu;
  std::multiset<int64_t> committed;
  std::atomic<int> writing{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 3; ++w) {
    ++writing;
    threads.emplace_back([&, w] {
      for (int i = 0; i < 40; ++i) {
        std::vector<model::LogEntry> batch;
        for (int k = 0; k <= (i + w) % 3; ++k) batch.push_back(Line("append"));
        if (Status appended = store_->AppendLogs(batch); !appended.ok()) {
          ADD_FAILURE() << appended.ToString();
          break;
        }
        std::lock_guard lock(mu);
        for (const auto& e : batch) committed.insert(e.id);
      }
      --writing;
    });
  }
  for (int w = 0; w < 2; ++w) {
    ++writing;
    threads.emplace_back([&, w] {
      auto conn = PgConn::Open(url_);
      std::mt19937 random(static_cast<unsigned>(w));
      auto pause = [&] { std::this_thread::sleep_for(std::chrono::microseconds(random() % 3000)); };
      for (int i = 0; conn && i < 40; ++i) {
        if (!BeginLogAppend(**conn).ok()) break;
        pause();
        auto id = InsertLine(**conn, "held");
        if (!id) break;
        pause();
        const bool keep = i % 5 != 4;
        if (!(keep ? (*conn)->Commit() : (*conn)->Exec("ROLLBACK")).ok()) break;
        std::lock_guard lock(mu);
        if (keep) committed.insert(*id);
        if (i == 39) committed.insert(-1);  // all went well
      }
      --writing;
    });
  }
  std::multiset<int64_t> read;
  LogCursor cursor;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (bool done = false; !done && std::chrono::steady_clock::now() < deadline;) {
    const bool finished = writing == 0;  // before the read: it sees every commit
    auto page = (*reader_store)->ReadLogsAfter(cursor, 7);
    ASSERT_TRUE(page) << page.error().ToString();
    for (const auto& e : page->entries) read.insert(e.id);
    EXPECT_TRUE(page->entries.empty() || page->next > cursor);
    cursor = page->next;
    done = finished && page->entries.empty() && !page->held_back;
    if (page->entries.empty()) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(committed.count(-1), 2u) << "both held-open writers ran to the end";
  committed.erase(-1);
  EXPECT_GT(committed.size(), 200u);
  EXPECT_EQ(read, committed);
}

// A server past its first 2^32 xids: pg_stat_activity's 32-bit xids of the log appends in
// flight are widened into the right epoch (too low a horizon would hold back everything, too
// high a one would pass the open transaction's line).
TEST(PgLogCursorEpoch, XidsOfALaterEpochAreWidened) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("quell_pg_epoch_" + std::to_string(::getpid())))
          .string();
  auto server = testing::PrivatePostgres::Start(dir);
  ASSERT_TRUE(server) << server.error().ToString();
  ASSERT_TRUE((*server)->SetXidEpoch(3).ok());
  auto url = (*server)->CreateDatabase();
  ASSERT_TRUE(url) << url.error().ToString();
  auto store = OpenPgStore(PgOptions{*url, 4});
  ASSERT_TRUE(store) << store.error().ToString();
  const LogCursor end = ExpectReadInTransactionOrder(**store, *url);
  EXPECT_EQ(end.tx >> 32, 3) << end.tx;
}

TEST(WidenXid, TakesTheEpochOfTheFloorOrTheNextOne) {
  constexpr uint64_t kEpoch = uint64_t{1} << 32;
  EXPECT_EQ(WidenXid(7, 5), 7u);
  EXPECT_EQ(WidenXid(5, 5), 5u);
  EXPECT_EQ(WidenXid(20, 3 * kEpoch + 10), 3 * kEpoch + 20);
  EXPECT_EQ(WidenXid(3, kEpoch - 5), kEpoch + 3) << "past the wrap: the next epoch";
  EXPECT_EQ(WidenXid(0xC0000000u, 2 * kEpoch + 0x80000000u), 2 * kEpoch + 0xC0000000u);
  EXPECT_EQ(WidenXid(0x7FFFFFF0u, 2 * kEpoch + 0x80000000u), 3 * kEpoch + 0x7FFFFFF0u);
}

}  // namespace
}  // namespace quell::store
