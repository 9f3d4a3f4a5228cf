// The SQLite store's reader connections (query_only, beside the one writer): a read borrows one
// for its duration and waits while all are lent. Internal to the SQLite store.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"

namespace quell::store {

class SqliteDb;

class ReaderPool {
 public:
  ReaderPool();
  ~ReaderPool();
  // Opens `count` connections (at least one) to the database at `path`.
  Status Open(const std::string& path, int count);

  // One connection, borrowed until the lease ends.
  class Lease {
   public:
    explicit Lease(ReaderPool& pool);
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    SqliteDb& db() { return *db_; }

   private:
    ReaderPool& pool_;
    SqliteDb* db_;
  };

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<SqliteDb>> readers_;
  std::vector<SqliteDb*> idle_;
};

}  // namespace quell::store
