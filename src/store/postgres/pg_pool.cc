#include "store/postgres/pg_pool.h"

namespace quell::store {

Result<PgPool::Lease> PgPool::Acquire() {
  std::unique_lock lock(mu_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
  if (!idle_.empty()) {
    std::unique_ptr<PgConn> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(conn));
  }
  ++open_;
  lock.unlock();  // connecting takes a round trip or more: not under the lock
  auto conn = PgConn::Open(url_);
  if (!conn) {
    lock.lock();
    --open_;
    returned_.notify_one();
    return Error(conn.error());
  }
  return Lease(*this, std::move(*conn));
}

void PgPool::Return(std::unique_ptr<PgConn> conn) {
  std::lock_guard lock(mu_);
  if (conn->ok()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;  // lost: closed here, reopened by the next Acquire that needs it
  }
  returned_.notify_one();
}

}  // namespace quell::store
