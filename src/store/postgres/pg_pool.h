// PgPool: up to `size` connections to one database, opened on demand and handed out one thread
// at a time. A connection found lost when it comes back is closed, and the next Acquire opens a
// fresh one. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/postgres/pg_conn.h"

namespace quell::store {

class PgPool {
 public:
  // A borrowed connection, back to the pool when destroyed.
  class Lease {
   public:
    Lease(PgPool& pool, std::unique_ptr<PgConn> conn) : pool_(&pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_) pool_->Return(std::move(conn_));
    }
    PgConn& operator*() { return *conn_; }
    PgConn* operator->() { return conn_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConn> conn_;
  };

  PgPool(std::string url, int size) : url_(std::move(url)), size_(size < 1 ? 1 : size) {}

  // An idle connection, a new one while fewer than `size` are open, else waits for one.
  // Unavailable when PostgreSQL cannot be reached.
  Result<Lease> Acquire();

 private:
  void Return(std::unique_ptr<PgConn> conn);

  const std::string url_;  // may hold a password: never logged
  const int size_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConn>> idle_;  // guarded by mu_
  int open_ = 0;                               // guarded by mu_: idle and lent
};

}  // namespace quell::store
