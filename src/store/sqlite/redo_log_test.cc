// The redo log on its own (records, torn tails, rewinds, the lock) and the SQLite store's
// batches over it: what a crash leaves in the log is replayed at the next open.
#include "store/sqlite/redo_log.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace quell::store {
namespace {

class RedoLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("quell_redo_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(RedoLogTest, OpsRoundTripEveryParameterType) {
  RedoOp op(7);
  op.Bind(1, int64_t{-42}).Bind(2, std::string_view("héllo\0x", 8)).Bind(3, 2.5).BindNull(5);
  std::string bytes;
  op.AppendTo(bytes);
  RedoOp(3).Bind(1, int64_t{1}).AppendTo(bytes);
  std::string_view in(bytes);
  auto first = RedoOp::Read(in);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->statement(), 7);
  std::string again;
  first->AppendTo(again);
  EXPECT_EQ(again, bytes.substr(0, again.size()));
  auto second = RedoOp::Read(in);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->statement(), 3);
  EXPECT_TRUE(in.empty());
  std::string_view truncated(bytes.data(), 6);
  EXPECT_FALSE(RedoOp::Read(truncated));
}

TEST_F(RedoLogTest, ReadsConsecutiveRecordsAndStopsAtATornOne) {
  const std::string path = dir_ + "/log";
  {
    auto log = RedoLog::Open(path, false);
    ASSERT_TRUE(log);
    ASSERT_TRUE((*log)->Append(5, "five").ok());
    ASSERT_TRUE((*log)->Append(6, "six").ok());
    ASSERT_TRUE((*log)->Append(7, std::string(1000, 'x')).ok());
  }
  // A crash in the middle of writing the last record leaves part of it.
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
  auto log = RedoLog::Open(path, false);
  ASSERT_TRUE(log);
  auto records = (*log)->ReadAll();
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].seq, 5u);
  EXPECT_EQ((*records)[0].payload, "five");
  EXPECT_EQ((*records)[1].payload, "six");
}

TEST_F(RedoLogTest, AfterARewindOlderRecordsAreNotRead) {
  auto log = RedoLog::Open(dir_ + "/log", false);
  ASSERT_TRUE(log);
  ASSERT_TRUE((*log)->Append(1, "a").ok());
  ASSERT_TRUE((*log)->Append(2, "b").ok());
  ASSERT_TRUE((*log)->Append(3, "c").ok());
  ASSERT_TRUE((*log)->Truncate().ok());
  ASSERT_TRUE((*log)->Append(4, "d").ok());  // overwrites 1; 2 and 3 follow, stale
  auto records = (*log)->ReadAll();
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].seq, 4u);
}

TEST_F(RedoLogTest, OneProcessAtATime) {
  const std::string path = dir_ + "/log";
  auto first = RedoLog::Open(path, false);
  ASSERT_TRUE(first);
  // flock locks belong to the open file description: a second open is refused like another
  // process would be.
  auto second = RedoLog::Open(path, false);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), StatusCode::kUnavailable);
  first->reset();
  EXPECT_TRUE(RedoLog::Open(path, false));
}

uint64_t FileSize(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Flips a byte of the file at `offset`.
void Corrupt(const std::string& path, uint64_t offset) {
  std::string bytes = ReadBytes(path);
  ASSERT_LT(offset, bytes.size());
  bytes[offset] = static_cast<char>(bytes[offset] ^ 0x5a);
  WriteBytes(path, bytes);
}

constexpr uint64_t kFrameHeader = 20;  // length, sequence number, checksum

TEST_F(RedoLogTest, TruncateEmptiesTheFile) {
  const std::string path = dir_ + "/log";
  auto log = RedoLog::Open(path, false);
  ASSERT_TRUE(log);
  ASSERT_TRUE((*log)->Append(1, std::string(5000, 'a')).ok());
  EXPECT_GT(FileSize(path), 5000u);
  ASSERT_TRUE((*log)->Truncate().ok());
  EXPECT_EQ(FileSize(path), 0u);
  ASSERT_TRUE((*log)->Append(2, "b").ok());
  EXPECT_EQ(FileSize(path), kFrameHeader + 1);
  auto records = (*log)->ReadAll();
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].seq, 2u);
}

// What a crash leaves at the end (a torn record, or zeros after a power failure) is dropped
// silently; a bad record with intact ones after it stops the read, naming file and offset.
TEST_F(RedoLogTest, ACorruptRecordInTheMiddleIsAnErrorNamingFileAndOffset) {
  const std::string path = dir_ + "/quell.db-redo";
  {
    auto log = RedoLog::Open(path, false);
    ASSERT_TRUE(log);
    ASSERT_TRUE((*log)->Append(5, "five").ok());
    ASSERT_TRUE((*log)->Append(6, "six!").ok());
    ASSERT_TRUE((*log)->Append(7, "seven").ok());
  }
  const uint64_t second = kFrameHeader + 4;  // where record 6 starts
  const std::string intact = ReadBytes(path);
  for (uint64_t at : {second + kFrameHeader + 1, second, second + 4, second + 12}) {
    SCOPED_TRACE("byte " + std::to_string(at));  // payload, length, sequence, checksum
    WriteBytes(path, intact);
    Corrupt(path, at);
    auto log = RedoLog::Open(path, false);
    ASSERT_TRUE(log);
    auto records = (*log)->ReadAll();
    ASSERT_FALSE(records);
    const std::string message = records.error().message();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("byte offset " + std::to_string(second) + " "), std::string::npos)
        << message;
    EXPECT_NE(message.find("quell repair --data-dir " + dir_), std::string::npos) << message;
  }
  // The same damage to the last record is a torn tail: dropped.
  WriteBytes(path, intact);
  Corrupt(path, intact.size() - 2);
  {
    auto log = RedoLog::Open(path, false);
    ASSERT_TRUE(log);
    auto records = (*log)->ReadAll();
    ASSERT_TRUE(records) << records.error().ToString();
    EXPECT_EQ(records->size(), 2u);
  }
  // So are zeros where the last records should be.
  WriteBytes(path, intact.substr(0, second) + std::string(intact.size() - second, '\0'));
  auto log = RedoLog::Open(path, false);
  ASSERT_TRUE(log);
  auto records = (*log)->ReadAll();
  ASSERT_TRUE(records) << records.error().ToString();
  EXPECT_EQ(records->size(), 1u);
}

TEST_F(RedoLogTest, RepairKeepsTheRecordsBeforeTheBadOneAndSavesACopy) {
  const std::string path = dir_ + "/quell.db-redo";
  {
    auto log = RedoLog::Open(path, false);
    ASSERT_TRUE(log);
    ASSERT_TRUE((*log)->Append(1, "one").ok());
    ASSERT_TRUE((*log)->Append(2, "two").ok());
    ASSERT_TRUE((*log)->Append(3, "three").ok());
  }
  const uint64_t third = 2 * (kFrameHeader + 3);
  Corrupt(path, third + kFrameHeader);  // record 3's payload: a torn tail, nothing to repair
  auto nothing = RedoLog::Repair(path, 0);
  ASSERT_TRUE(nothing);
  EXPECT_FALSE(nothing->corrupt);
  EXPECT_EQ(FileSize(path), third + kFrameHeader + 5);
  {
    auto log = RedoLog::Open(path, false);  // and the log is in use: repair refuses
    ASSERT_TRUE(log);
    ASSERT_TRUE((*log)->Append(4, "four").ok());  // at the start, over 1: a fresh log
    ASSERT_TRUE((*log)->Truncate().ok());
    ASSERT_TRUE((*log)->Append(1, "one").ok());
    ASSERT_TRUE((*log)->Append(2, "two").ok());
    ASSERT_TRUE((*log)->Append(3, "three").ok());
    auto busy = RedoLog::Repair(path, 0);
    ASSERT_FALSE(busy);
    EXPECT_EQ(busy.error().code(), StatusCode::kUnavailable);
  }
  const uint64_t second = kFrameHeader + 3;
  Corrupt(path, second + kFrameHeader + 1);
  const std::string damaged = ReadBytes(path);
  auto repair = RedoLog::Repair(path, 0);
  ASSERT_TRUE(repair) << repair.error().ToString();
  EXPECT_TRUE(repair->corrupt);
  EXPECT_EQ(repair->bad_offset, second);
  EXPECT_EQ(repair->kept_records, 1u);
  EXPECT_EQ(repair->dropped_bytes, damaged.size() - second);
  EXPECT_EQ(repair->copy_path.rfind(path + ".corrupt-", 0), 0u) << repair->copy_path;
  EXPECT_EQ(ReadBytes(repair->copy_path), damaged);
  EXPECT_EQ(FileSize(path), second);
  auto log = RedoLog::Open(path, false);
  ASSERT_TRUE(log);
  auto records = (*log)->ReadAll();
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].payload, "one");
}

// ---- The store's batches. ----

Result<std::unique_ptr<Store>> OpenStore(const std::string& dir, TimeMs batch_interval_ms) {
  SqliteOptions options;
  options.path = dir + "/quell.db";
  options.batch_interval_ms = batch_interval_ms;
  return OpenSqliteStore(options);
}

model::Incident NewIncident(const std::string& key) {
  model::Incident i;
  i.group_key = key;
  i.title = key;
  i.services = {"api"};
  return i;
}

// Commits one incident with an alert, a timeline entry and a job; returns the incident id.
int64_t CommitIncident(Store& store, const std::string& key) {
  auto tx = store.Begin();
  EXPECT_TRUE(tx);
  auto id = (*tx)->InsertIncident(NewIncident(key));
  EXPECT_TRUE(id);
  model::Alert alert;
  alert.incident_id = *id;
  alert.data.fingerprint = "fp-" + key;
  alert.data.service = "api";
  EXPECT_TRUE((*tx)->InsertAlert(alert));
  model::Event event;
  event.incident_id = *id;
  event.kind = model::EventKind::kAlertFired;
  event.note = "fired";
  EXPECT_TRUE((*tx)->AppendEvent(event));
  model::Job job;
  job.kind = "notify";
  job.incident_id = *id;
  job.dedup_key = "notify:" + std::to_string(*id);
  EXPECT_TRUE((*tx)->EnqueueJob(job).ok());
  EXPECT_TRUE((*tx)->Commit().ok());
  return *id;
}

TEST_F(RedoLogTest, TransactionsCommittedBeforeACrashAreReplayed) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The batch never reaches SQLite: the interval is long and the process dies without
    // running a destructor, as under kill -9.
    auto store = OpenStore(dir_, 3600 * 1000);
    if (!store) ::_exit(2);
    CommitIncident(**store, "one");
    CommitIncident(**store, "two");
    {
      auto tx = (*store)->Begin();  // rolled back: must not come back
      if (!tx || !(*tx)->InsertIncident(NewIncident("rolled-back"))) ::_exit(3);
    }
    auto tx = (*store)->Begin();
    if (!tx) ::_exit(4);
    auto incident = (*tx)->FindIncident(1);
    if (!incident || !*incident) ::_exit(5);
    (*incident)->alert_count = 9;
    if (!(*tx)->UpdateIncident(**incident).ok() ||
        !*(*tx)->BumpEvent(1, model::EventKind::kAlertFired, "", 77, 4) || !(*tx)->Commit().ok())
      ::_exit(6);
    // The outbox's changes are in the log too: one job done, one put back for later.
    auto done = (*store)->ClaimJob(10, 1000);
    auto failed = (*store)->ClaimJob(10, 1000);
    if (!done || !*done || !failed || !*failed || !(*store)->CompleteJob((*done)->id).ok() ||
        !(*store)->RetryJob((*failed)->id, 500, "telegram 502").ok())
      ::_exit(7);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  {
    // The rollback undid the whole batch and the store replayed the two committed
    // transactions into SQLite; the last one is only in the log.
    auto raw = SqliteDb::Open(dir_ + "/quell.db", false, false);
    ASSERT_TRUE(raw);
    auto count = (*raw)->Prepare("SELECT count(*), max(alert_count) FROM incidents");
    ASSERT_TRUE(count && *(*count)->Step());
    EXPECT_EQ((*count)->Int(0), 2);
    EXPECT_NE((*count)->Int(1), 9);
    (*count)->Reset();
  }
  auto store = OpenStore(dir_, 100);
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_EQ(*(*store)->CountIncidents(std::nullopt), 2);
  EXPECT_EQ(*(*store)->CountAlerts(), 2);
  auto first = (*store)->GetIncident(1);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->alert_count, 9);
  auto events = (*store)->ListEvents(1);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].count, 5);
  EXPECT_EQ((*events)[0].last_at, 77);
  auto jobs = (*store)->ListJobs();
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].run_at, 500);
  EXPECT_EQ((*jobs)[0].attempts, 1);
  EXPECT_FALSE(*(*store)->ClaimJob(499, 1000));
  // Ids continue after the replayed rows, and a second open replays nothing twice.
  EXPECT_EQ(CommitIncident(**store, "three"), 3);
  store->reset();
  store = OpenStore(dir_, 100);
  ASSERT_TRUE(store);
  EXPECT_EQ(*(*store)->CountIncidents(std::nullopt), 3);
  EXPECT_EQ(*(*store)->CountAlerts(), 3);
}

TEST_F(RedoLogTest, HealthChecksAndGaugesDoNotForceTheBatchOut) {
  auto store = OpenStore(dir_, 3600 * 1000);
  ASSERT_TRUE(store);
  Token token;
  token.name = "ci";
  token.scope = "ingest";
  token.hash = "h";
  token.created_at = 1;
  auto token_id = (*store)->InsertToken(token);  // a direct write: committed at once
  ASSERT_TRUE(token_id);
  CommitIncident(**store, "pending");
  auto in_sqlite = [&] {
    auto raw = SqliteDb::Open(dir_ + "/quell.db", false, false);
    EXPECT_TRUE(raw);
    auto count = (*raw)->Prepare("SELECT count(*) FROM incidents");
    EXPECT_TRUE(count && *(*count)->Step());
    const int64_t n = (*count)->Int(0);
    (*count)->Reset();
    return n;
  };
  EXPECT_TRUE((*store)->Ping().ok());
  EXPECT_EQ(*(*store)->CountIncidents(std::nullopt, /*latest=*/false), 0);
  // Recording a token's use (every authenticated request may) joins the batch.
  EXPECT_TRUE((*store)->TouchToken(*token_id, 5000).ok());
  EXPECT_EQ(in_sqlite(), 0);  // still only in the redo log and the batch
  // A read that must see the latest writes commits the batch first, the token's use with it.
  EXPECT_EQ(*(*store)->CountIncidents(std::nullopt), 1);
  EXPECT_EQ(in_sqlite(), 1);
  auto tokens = (*store)->ListTokens();
  ASSERT_TRUE(tokens && tokens->size() == 1u);
  EXPECT_EQ((*tokens)[0].last_used_at, 5000);
}

TEST_F(RedoLogTest, ASecondStoreOnTheSameFileWritesDirectly) {
  auto serve = OpenStore(dir_, 50);
  ASSERT_TRUE(serve);
  auto cli = OpenStore(dir_, 50);  // the log is taken: this one commits each transaction
  ASSERT_TRUE(cli) << cli.error().ToString();
  CommitIncident(**cli, "from-cli");
  EXPECT_EQ(*(*serve)->CountIncidents(std::nullopt), 1);
  // The first store's batch reaches SQLite within its interval, where the other one sees it.
  CommitIncident(**serve, "from-serve");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (*(*cli)->CountIncidents(std::nullopt) < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(*(*cli)->CountIncidents(std::nullopt), 2);
  EXPECT_EQ(*(*serve)->CountIncidents(std::nullopt), 2);
}

// The serving store keeps the incidents its transactions read from one to the next; a change
// another process commits between two batches must still be seen, not the kept copy.
TEST_F(RedoLogTest, KeptRowsFollowChangesFromAnotherProcess) {
  auto serve = OpenStore(dir_, 50);
  ASSERT_TRUE(serve);
  const int64_t id = CommitIncident(**serve, "shared");
  {  // read (and keep) it inside a batch
    auto tx = (*serve)->Begin();
    ASSERT_TRUE(tx);
    auto found = (*tx)->FindLatestIncidentByGroup("shared");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->title, "shared");
    auto alert = (*tx)->FindLatestAlert("fp-shared");
    ASSERT_TRUE(alert && *alert);
    EXPECT_EQ((*alert)->count, 0);
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto cli = OpenStore(dir_, 50);  // the log is taken: writes directly, once the batch commits
  ASSERT_TRUE(cli);
  {
    auto tx = (*cli)->Begin();
    ASSERT_TRUE(tx) << tx.error().ToString();
    auto row = (*tx)->FindIncident(id);
    ASSERT_TRUE(row && *row);
    model::Incident changed = **row;
    changed.title = "renamed elsewhere";
    changed.status = model::IncidentStatus::kAcknowledged;
    ASSERT_TRUE((*tx)->UpdateIncident(changed).ok());
    auto newer = (*tx)->InsertIncident(NewIncident("shared"));  // now the group's latest
    ASSERT_TRUE(newer);
    model::Alert alert = **(*tx)->FindLatestAlert("fp-shared");
    alert.count = 5;
    ASSERT_TRUE((*tx)->UpdateAlert(alert).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto tx = (*serve)->Begin();
  ASSERT_TRUE(tx);
  auto found = (*tx)->FindIncident(id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->title, "renamed elsewhere");
  EXPECT_EQ((*found)->status, model::IncidentStatus::kAcknowledged);
  auto latest = (*tx)->FindLatestIncidentByGroup("shared");
  ASSERT_TRUE(latest && *latest);
  EXPECT_GT((*latest)->id, id);
  EXPECT_EQ((*(*tx)->FindLatestAlert("fp-shared"))->count, 5);
}

// Within the serving store, what a transaction wrote is what the next one reads.
TEST_F(RedoLogTest, KeptRowsFollowTheStoresOwnWritesAndRollbacks) {
  auto serve = OpenStore(dir_, 60000);  // one long batch
  ASSERT_TRUE(serve);
  const int64_t id = CommitIncident(**serve, "own");
  {
    auto tx = (*serve)->Begin();
    ASSERT_TRUE(tx);
    model::Incident row = **(*tx)->FindLatestIncidentByGroup("own");
    row.alert_count = 7;
    row.group_key = "not rewritten";  // UpdateIncident keeps the stored group key
    ASSERT_TRUE((*tx)->UpdateIncident(row).ok());
    ASSERT_TRUE((*tx)->SetAnalysis(id, R"({"root_cause":"x"})", 4242).ok());
    model::Alert alert = **(*tx)->FindLatestAlert("fp-own");
    alert.count = 3;
    alert.incident_id = id + 1000;  // UpdateAlert keeps the stored incident
    ASSERT_TRUE((*tx)->UpdateAlert(alert).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  {
    auto tx = (*serve)->Begin();
    ASSERT_TRUE(tx);
    model::Incident row = **(*tx)->FindIncident(id);
    EXPECT_EQ(row.alert_count, 7);
    EXPECT_EQ(row.group_key, "own");
    EXPECT_EQ(row.updated_at, 4242);
    EXPECT_EQ(row.analysis_json, "");
    model::Alert alert = **(*tx)->FindLatestAlert("fp-own");
    EXPECT_EQ(alert.count, 3);
    EXPECT_EQ(alert.incident_id, id);
    // A transaction that changes the incident and the alert and is dropped: none of it is seen.
    row.alert_count = 99;
    ASSERT_TRUE((*tx)->UpdateIncident(row).ok());
    ASSERT_TRUE((*tx)->InsertIncident(NewIncident("own")));
    alert.count = 99;
    ASSERT_TRUE((*tx)->UpdateAlert(alert).ok());
    model::Alert newer = alert;
    newer.count = 1;
    ASSERT_TRUE((*tx)->InsertAlert(newer));
  }
  auto tx = (*serve)->Begin();
  ASSERT_TRUE(tx);
  EXPECT_EQ((*(*tx)->FindIncident(id))->alert_count, 7);
  EXPECT_EQ((*(*tx)->FindLatestIncidentByGroup("own"))->id, id);
  auto alert = (*tx)->FindLatestAlert("fp-own");
  ASSERT_TRUE(alert && *alert);
  EXPECT_EQ((*alert)->count, 3);
  ASSERT_TRUE((*tx)->Commit().ok());
  auto stored = (*serve)->GetIncident(id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->alert_count, 7);
  EXPECT_EQ((*stored)->analysis_json, R"({"root_cause":"x"})");
  // A newer row too large to keep (a long stack trace) replaces the kept one all the same.
  {
    auto big_tx = (*serve)->Begin();
    ASSERT_TRUE(big_tx);
    model::Alert big = **(*big_tx)->FindLatestAlert("fp-own");
    big.data.raw_json = std::string(100000, 'x');
    big.count = 1;
    auto big_id = (*big_tx)->InsertAlert(big);
    ASSERT_TRUE(big_id);
    ASSERT_TRUE((*big_tx)->Commit().ok());
    auto next_tx = (*serve)->Begin();
    ASSERT_TRUE(next_tx);
    auto latest = (*next_tx)->FindLatestAlert("fp-own");
    ASSERT_TRUE(latest && *latest);
    EXPECT_EQ((*latest)->id, *big_id);
    EXPECT_EQ((*latest)->data.raw_json.size(), 100000u);
  }
}


// The log holds the batch SQLite has not committed yet, no more: it is emptied at each commit.
TEST_F(RedoLogTest, TheLogIsEmptiedOnceSqliteHoldsItsRecords) {
  auto store = OpenStore(dir_, 3600 * 1000);
  ASSERT_TRUE(store);
  const std::string log = dir_ + "/quell.db-redo";
  EXPECT_EQ(FileSize(log), 0u);
  for (int i = 0; i < 20; ++i) CommitIncident(**store, "k" + std::to_string(i));
  EXPECT_GT(FileSize(log), 1000u);
  EXPECT_EQ(*(*store)->CountIncidents(std::nullopt), 20);  // commits the batch
  EXPECT_EQ(FileSize(log), 0u);
  CommitIncident(**store, "after");
  EXPECT_GT(FileSize(log), 0u);
  store->reset();
  EXPECT_EQ(FileSize(log), 0u);
}

// A crash leaves records in the log; one is damaged. The store does not open (and says where
// and what to do); `quell repair` saves the log, keeps the records before the bad one, and the
// store then opens with them.
TEST_F(RedoLogTest, ACorruptLogStopsTheStoreUntilRepaired) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = OpenStore(dir_, 3600 * 1000);
    if (!store) ::_exit(2);
    for (const char* key : {"one", "two", "three"}) CommitIncident(**store, key);
    ::_exit(0);  // as under kill -9: the batch is only in the log
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::string log = dir_ + "/quell.db-redo";
  const std::string intact = ReadBytes(log);
  uint32_t first_length = 0;
  ASSERT_GT(intact.size(), 4u);
  std::memcpy(&first_length, intact.data(), sizeof first_length);
  const uint64_t second = kFrameHeader + first_length;
  ASSERT_LT(second + kFrameHeader + 10, intact.size());
  Corrupt(log, second + kFrameHeader + 10);

  auto refused = OpenStore(dir_, 100);
  ASSERT_FALSE(refused);
  const std::string message = refused.error().message();
  EXPECT_NE(message.find(log), std::string::npos) << message;
  EXPECT_NE(message.find("byte offset " + std::to_string(second) + " "), std::string::npos)
      << message;
  EXPECT_NE(message.find("quell repair --data-dir " + dir_), std::string::npos) << message;

  auto repair = RepairSqliteRedoLog(dir_ + "/quell.db");
  ASSERT_TRUE(repair) << repair.error().ToString();
  EXPECT_TRUE(repair->corrupt);
  EXPECT_EQ(repair->bad_offset, second);
  EXPECT_EQ(ReadBytes(repair->copy_path).size(), intact.size());
  auto store = OpenStore(dir_, 100);
  ASSERT_TRUE(store) << store.error().ToString();
  EXPECT_EQ(*(*store)->CountIncidents(std::nullopt), 1);  // "one"; the rest was after the damage
  EXPECT_EQ(FileSize(log), 0u);
  EXPECT_EQ(CommitIncident(**store, "four"), 2);
  // A second repair finds nothing to do.
  store->reset();
  auto again = RepairSqliteRedoLog(dir_ + "/quell.db");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->corrupt);
}

// Batches commit back to back; the WAL must not grow past its limit behind them (it grew to
// hundreds of MB before: checkpoints never got a moment without the batch's write lock), and it
// is emptied once writes stop, while the store stays open.
TEST_F(RedoLogTest, TheWalStaysUnderItsLimitUnderSustainedBatches) {
  SqliteOptions options;
  options.path = dir_ + "/quell.db";
  options.batch_interval_ms = 20;
  options.wal_limit_bytes = 1 << 20;
  auto store = OpenSqliteStore(options);
  ASSERT_TRUE(store);
  const std::string wal = dir_ + "/quell.db-wal";
  const int64_t incident = CommitIncident(**store, "storm");
  uint64_t written = 0, peak = 0;
  for (int batch = 0; batch < 60; ++batch) {
    auto tx = (*store)->Begin();
    ASSERT_TRUE(tx);
    for (int i = 0; i < 50; ++i) {
      model::Alert alert;
      alert.incident_id = incident;
      alert.data.fingerprint = "fp-" + std::to_string(batch) + "-" + std::to_string(i);
      alert.data.service = "api";
      alert.data.raw_json = std::string(2000, static_cast<char>('a' + i % 26));
      ASSERT_TRUE((*tx)->InsertAlert(alert));
      written += 2000;
    }
    ASSERT_TRUE((*tx)->Commit().ok());
    EXPECT_EQ(*(*store)->CountAlerts(), 1 + (batch + 1) * 50);  // commits the batch to SQLite
    peak = std::max<uint64_t>(peak, FileSize(wal));
  }
  ASSERT_GT(written, 5u << 20);  // far more than the limit went through the WAL
  // One batch's pages may come on top of the limit (and a checkpoint that found the WAL in use
  // comes again at the next batch).
  EXPECT_LT(peak, 3u << 20);
  // Idle: the WAL is emptied without closing the store.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (FileSize(wal) > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(FileSize(wal), 0u);
  EXPECT_EQ(*(*store)->CountAlerts(), 1 + 60 * 50);
}

}  // namespace
}  // namespace quell::store
