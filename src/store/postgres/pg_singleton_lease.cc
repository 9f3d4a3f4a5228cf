// NewPgSingletonLease: pg_try_advisory_lock on a connection held for the lease's life. The
// lock is session-level, so it lasts until the connection ends; when the node dies the server
// sees its socket close and frees the lock for the next node's try.
#include <spdlog/spdlog.h>

#include "store/postgres/pg_conn.h"
#include "store/singleton_lease.h"

namespace quell::store {
namespace {

class PgSingletonLease final : public SingletonLease {
 public:
  PgSingletonLease(std::string url, int64_t key) : url_(std::move(url)), key_(key) {}

  bool Held() override {
    if (conn_ && !conn_->ok()) Drop();
    if (!conn_) {
      auto conn = PgConn::Open(url_);
      if (!conn) return false;  // PostgreSQL away: no node can be sure it is the only one
      conn_ = std::move(*conn);
    }
    // A lock held needs only a live connection; a round trip proves it.
    auto r = held_ ? conn_->Query("SELECT 1")
                   : conn_->Query("SELECT pg_try_advisory_lock($1::bigint)::int",
                                  PgParams().Bind(1, key_));
    if (!r) {
      spdlog::warn("singleton lease {}: {}", key_, r.error().message());
      Drop();
      return false;
    }
    held_ = held_ || r->Int(0, 0) == 1;
    return held_;
  }

 private:
  void Drop() {
    conn_.reset();  // the server frees the lock with the session
    held_ = false;
  }

  const std::string url_;
  const int64_t key_;
  std::unique_ptr<PgConn> conn_;
  bool held_ = false;
};

}  // namespace

std::unique_ptr<SingletonLease> NewPgSingletonLease(std::string url, int64_t key) {
  return std::make_unique<PgSingletonLease>(std::move(url), key);
}

}  // namespace quell::store
