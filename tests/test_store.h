// A fresh directory per test, named after the process and the test so that parallel test
// processes never share one, and a real SQLite store in it: what the unit tests of the engine,
// jobs, notify and store layers start from. Header-only, test-only.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite/sqlite_store.h"

namespace quell::testing {

// <tmp>/quell_<prefix>_<pid>_<test name>, empty on construction, removed on destruction.
class TestDir {
 public:
  explicit TestDir(const std::string& prefix)
      : path_(std::filesystem::temp_directory_path() /
              ("quell_" + prefix + "_" + std::to_string(::getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TestDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A SQLite store at dir/quell.db with default options.
inline Result<std::unique_ptr<store::Store>> OpenTestStore(const TestDir& dir) {
  store::SqliteOptions options;
  options.path = (dir.path() / "quell.db").string();
  return store::OpenSqliteStore(options);
}

}  // namespace quell::testing
