// LogMiningTest: a LogMining test on a fresh SQLite store and a ManualClock, with lines to feed
// it; shared by log_mining_test.cc (queue mode) and log_mining_store_test.cc (store mode).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/log_mining.h"
#include "store/sqlite/sqlite_store.h"

namespace quell::engine {

inline constexpr TimeMs kT = 1'800'000'000'000;

class LogMiningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("quell_log_mining_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store::SqliteOptions so;
    so.path = (dir_ / "quell.db").string();
    auto store = store::OpenSqliteStore(so);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // `n` lines of `service` at kT + i seconds: "user <i> logged in from <host>" and
  // "cache miss for key <i>" alternating.
  static std::vector<model::LogEntry> Lines(const std::string& service, int n, int first = 0) {
    std::vector<model::LogEntry> out;
    for (int i = first; i < first + n; ++i) {
      model::LogEntry e;
      e.service = service;
      e.ts = kT + i * kSecondMs;
      e.level = i % 2 ? "info" : "error";
      e.message = i % 2 ? "cache miss for key " + std::to_string(i)
                        : "user " + std::to_string(i) + " logged in from 10.0.0." +
                              std::to_string(i % 200);
      out.push_back(std::move(e));
    }
    return out;
  }

  size_t StoredRows(const std::string& service) {
    store::LogQuery q;
    q.service = service;
    q.limit = 1'000'000;
    auto rows = store_->ListLogs(q);
    EXPECT_TRUE(rows) << rows.error().ToString();
    return rows ? rows->size() : 0;
  }

  static std::map<std::string, uint64_t> Counts(
      const std::vector<analysis::LogTemplateEvidence>& templates) {
    std::map<std::string, uint64_t> out;
    for (const auto& t : templates) out[t.text] += t.count;
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  ManualClock clock_{kT + kHourMs};
};

}  // namespace quell::engine
