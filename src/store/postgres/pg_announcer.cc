#include "store/postgres/pg_announcer.h"

#include <spdlog/spdlog.h>

#include "store/postgres/pg_conn.h"

namespace quell::store {

PgAnnouncer::PgAnnouncer(std::string url, std::string channel)
    : url_(std::move(url)), sql_("NOTIFY " + channel), thread_([this] { Run(); }) {}

PgAnnouncer::~PgAnnouncer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void PgAnnouncer::Ring() {
  {
    std::lock_guard lock(mu_);
    rung_ = true;
  }
  cv_.notify_one();
}

uint64_t PgAnnouncer::sent() const {
  std::lock_guard lock(mu_);
  return sent_;
}

void PgAnnouncer::Run() {
  std::unique_ptr<PgConn> conn;
  Connect(conn);  // now, so that the first announcement does not wait for it
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return rung_ || stopping_; });
    if (!rung_) return;
    rung_ = false;  // rings from here on need another NOTIFY
    lock.unlock();
    Send(conn);
    lock.lock();
  }
}

void PgAnnouncer::Connect(std::unique_ptr<PgConn>& conn) {
  auto opened = PgConn::Open(url_);
  if (!opened) return;  // PostgreSQL away: nothing to wake, the poll covers it
  conn = std::move(*opened);
  if (Status off = conn->Exec("SET synchronous_commit = off"); !off.ok()) conn.reset();
}

void PgAnnouncer::Send(std::unique_ptr<PgConn>& conn) {
  if (!conn) Connect(conn);
  if (!conn) return;
  if (Status sent = conn->Exec(sql_); !sent.ok()) {
    spdlog::debug("announcer: {}", sent.message());
    conn.reset();
    return;
  }
  std::lock_guard lock(mu_);
  ++sent_;
}

}  // namespace quell::store
