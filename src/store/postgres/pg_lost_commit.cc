#include "store/postgres/pg_lost_commit.h"

#include <algorithm>
#include <memory>
#include <thread>

namespace quell::store {
namespace {

using Clock = std::chrono::steady_clock;

// xid8 has no cast from bigint: it travels as text.
Result<std::string> LookUp(PgConn& conn, const PgTxIdentity& tx) {
  QUELL_ASSIGN_OR_RETURN(auto result, conn.Query("SELECT pg_xact_status($1::text::xid8)",
                                                 PgParams().Bind(1, std::to_string(tx.xid))));
  return result.rows() == 1 ? result.Text(0, 0) : std::string();
}

// Ends the backend that still runs `tx`; only that one (a pid is reused once its backend is
// gone, so the backend must still hold the transaction: backend_xid is the low 32 bits of the
// xid8). Waits up to a second for it to exit.
Status EndOldBackend(PgConn& conn, const PgTxIdentity& tx) {
  auto ended = conn.Query(
      "SELECT count(pg_terminate_backend(pid, 1000)) FROM pg_stat_activity WHERE pid = $1 AND "
      "backend_xid::text::bigint = $2",
      PgParams().Bind(1, tx.backend_pid).Bind(2, tx.xid % (int64_t{1} << 32)));
  return ended ? Status::Ok() : ended.error();
}

}  // namespace

LostCommitStep DecideLostCommit(const Result<std::string>& status,
                                std::chrono::milliseconds waited, std::chrono::milliseconds wait) {
  if (status && *status == "committed") return LostCommitStep::kCommitted;
  if (status && *status == "aborted") return LostCommitStep::kRolledBack;
  if (waited >= wait) return LostCommitStep::kUnknown;
  if (status && *status == "in progress")
    return waited < kLostCommitGrace ? LostCommitStep::kLookAgain : LostCommitStep::kEndOldBackend;
  // Unreachable or restarting: ask again. Any other error, or NULL, will not change.
  if (!status && status.error().code() == StatusCode::kUnavailable)
    return LostCommitStep::kLookAgain;
  return LostCommitStep::kUnknown;
}

Status ResolveLostCommit(const std::string& url, const PgTxIdentity& tx,
                         std::chrono::milliseconds wait) {
  const auto start = Clock::now();
  auto pause = std::chrono::milliseconds(20);
  std::unique_ptr<PgConn> conn;
  for (;;) {
    Result<std::string> status = Error(Unavailable("not connected"));
    if (!conn || !conn->ok()) {
      auto opened = PgConn::Open(url);
      if (opened) {
        conn = std::move(*opened);
      } else {
        status = Error(opened.error());
      }
    }
    if (conn && conn->ok()) status = LookUp(*conn, tx);
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    switch (DecideLostCommit(status, waited, wait)) {
      case LostCommitStep::kCommitted:
        return Status::Ok();
      case LostCommitStep::kRolledBack:
        return Unavailable("the connection to PostgreSQL was lost at COMMIT; the transaction "
                           "was rolled back");
      case LostCommitStep::kUnknown:
        return Unavailable("the connection to PostgreSQL was lost at COMMIT and whether the "
                           "transaction committed is unknown" +
                           (status ? std::string() : ": " + status.error().message()));
      case LostCommitStep::kEndOldBackend:
        (void)EndOldBackend(*conn, tx);  // failing (not allowed, lost): it ends by itself later
        break;
      case LostCommitStep::kLookAgain:
        break;
    }
    std::this_thread::sleep_for(std::clamp(pause, std::chrono::milliseconds(0), wait - waited));
    pause = std::min(pause * 2, std::chrono::milliseconds(500));
  }
}

}  // namespace quell::store
