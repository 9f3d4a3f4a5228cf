// A COMMIT whose answer was lost: the connection broke while COMMIT was on its way or before
// its result came back, so the transaction may have committed or not. Answering "failed, send
// again" when it did commit makes the sender's repeat count an alert twice; answering "done"
// when it did not loses it. So the transaction is looked up, by its id, on a new connection:
// pg_xact_status says committed, aborted or still in progress. Internal to the PostgreSQL store.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/postgres/pg_conn.h"

namespace quell::store {

// What to do after one look at the transaction.
enum class LostCommitStep {
  kCommitted,      // it committed: the COMMIT succeeded
  kRolledBack,     // it did not and never will: fail, retryable
  kEndOldBackend,  // still in progress past kLostCommitGrace on its old backend, whose client
                   // (us) is gone: end that backend (a COMMIT it holds is carried out, else
                   // the transaction rolls back), then look again
  kLookAgain,      // PostgreSQL could not be asked (away, restarting), or the transaction is
                   // in progress within the grace: look again a bit later
  kUnknown,        // no answer in the time given, or an answer that says nothing: fail
};

// How long a transaction may stay in progress after its connection broke before its backend
// is ended: time for a COMMIT still on its way to be carried out.
inline constexpr std::chrono::milliseconds kLostCommitGrace{1000};

// The decision for one look. `status` is pg_xact_status's answer ("committed", "aborted",
// "in progress"; empty for NULL: too old to know) or the error of asking; `waited` is the time
// since the COMMIT failed, `wait` how long it may be waited for.
LostCommitStep DecideLostCommit(const Result<std::string>& status,
                                std::chrono::milliseconds waited, std::chrono::milliseconds wait);

// Looks up the transaction `tx` on new connections to `url`, with back-off, for at most `wait`
// (PostgreSQL may be restarting). OK when it committed; Unavailable (send again) when it rolled
// back or is still unknown at the end. Blocks the calling thread meanwhile.
Status ResolveLostCommit(const std::string& url, const PgTxIdentity& tx,
                         std::chrono::milliseconds wait);

}  // namespace quell::store
