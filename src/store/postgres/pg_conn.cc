#include "store/postgres/pg_conn.h"

#include <poll.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>

#include "common/text.h"
#include "store/postgres/pq_api.h"

namespace quell::store {
namespace {

constexpr uint32_t kInt8Oid = 20;
constexpr uint32_t kTextOid = 25;
// Seconds libpq may take to connect when the URL does not say (connect_timeout).
constexpr const char* kDefaultConnectTimeoutSeconds = "5";

// libpq's functions. Only called on a connection or a result, so after PgConn::Open loaded them.
const PqApi& Pq() { return *LoadPq(); }

// Unique indexes that two nodes race for, each inserting the row it did not find: the loser's
// transaction runs again and finds the winner's row (pg_schema.cc).
bool IsRaceForRow(std::string_view constraint) {
  return constraint == "incidents_open_by_group" || constraint == "alerts_one_per_incident";
}

// The Status for a failed statement or connection. Lost connections and shutdowns are
// Unavailable (retry later); serialization failures, deadlocks and the races above are Aborted
// (run the transaction again); another unique violation is AlreadyExists.
Status PgError(PGconn* conn, const PGresult* result, std::string_view what) {
  std::string message(what);
  const char* detail = result ? Pq().result_error_message(result) : Pq().error_message(conn);
  if (detail && *detail) {
    message += ": ";
    message += detail;
    while (!message.empty() && message.back() == '\n') message.pop_back();
  }
  const char* state = result ? Pq().result_error_field(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view sqlstate = state ? state : "";
  if (sqlstate == "40001" || sqlstate == "40P01") return Aborted(message);
  if (sqlstate == "23505") {
    const char* constraint = Pq().result_error_field(result, PG_DIAG_CONSTRAINT_NAME);
    if (constraint && IsRaceForRow(constraint)) return Aborted(message);
    return {StatusCode::kAlreadyExists, message};
  }
  if (Pq().status(conn) != CONNECTION_OK || sqlstate.substr(0, 2) == "08" ||
      sqlstate.substr(0, 3) == "57P")
    return Unavailable(message);
  return Internal(message);
}

}  // namespace

PgParams::Param& PgParams::At(int index) {
  if (static_cast<size_t>(index) > params_.size()) params_.resize(static_cast<size_t>(index));
  return params_[static_cast<size_t>(index - 1)];
}

PgParams& PgParams::Bind(int index, int64_t value) {
  Param& p = At(index);
  p.text = std::to_string(value);
  p.type = kInt8Oid;
  p.null = false;
  return *this;
}

PgParams& PgParams::Bind(int index, std::string_view value) {
  Param& p = At(index);
  // TEXT holds only valid UTF-8 and no NUL, which a sender's alert may carry (SQLite stores
  // them as they are): one such field must not fail the whole group commit.
  if (NeedsStorableUtf8(value)) {
    p.text = ToStorableUtf8(value);
  } else {
    p.text.assign(value);
  }
  p.type = kTextOid;
  p.null = false;
  return *this;
}

PgParams& PgParams::BindNull(int index) {
  Param& p = At(index);
  p.text.clear();
  p.null = true;
  return *this;
}

void PgResult::Clear::operator()(pg_result* result) const { Pq().clear(result); }

int PgResult::rows() const { return Pq().ntuples(result_.get()); }

int64_t PgResult::changed() const {
  const char* tuples = Pq().cmd_tuples(result_.get());
  int64_t n = 0;
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), n);
  return n;
}

int64_t PgResult::Int(int row, int column) const {
  const char* text = Pq().getvalue(result_.get(), row, column);
  int64_t n = 0;
  std::from_chars(text, text + Pq().getlength(result_.get(), row, column), n);
  return n;
}

std::string PgResult::Text(int row, int column) const {
  return std::string(Pq().getvalue(result_.get(), row, column),
                     static_cast<size_t>(Pq().getlength(result_.get(), row, column)));
}

Result<std::unique_ptr<PgConn>> PgConn::Open(const std::string& url) {
  if (const Result<PqApi>& loaded = LoadPq(); !loaded) return Error(loaded.error());
  // libpq waits for ever on a server that takes the TCP connection but never answers (a hung
  // host, a full backlog), which would stall start-up, shutdown and the lost-COMMIT lookup.
  // The URL's own connect_timeout, when it has one, comes later and wins. A value given here
  // hides libpq's PGCONNECT_TIMEOUT: that one, when set, is the default instead.
  const char* env_timeout = std::getenv("PGCONNECT_TIMEOUT");
  const char* const keys[] = {"connect_timeout", "dbname", nullptr};
  const char* const values[] = {
      env_timeout && *env_timeout ? env_timeout : kDefaultConnectTimeoutSeconds, url.c_str(),
      nullptr};
  PGconn* conn = Pq().connectdb_params(keys, values, /*expand_dbname=*/1);
  if (!conn) return Error(Unavailable("cannot allocate a PostgreSQL connection"));
  std::unique_ptr<PgConn> owned(new PgConn(conn));
  if (Pq().status(conn) != CONNECTION_OK)
    return Error(Unavailable(PgError(conn, nullptr, "cannot connect to PostgreSQL").message()));
  // Notices (e.g. "relation already exists, skipping") are not errors: keep them off stderr.
  Pq().set_notice_processor(
      conn, [](void*, const char*) {}, nullptr);
  return owned;
}

PgConn::~PgConn() { Pq().finish(conn_); }

bool PgConn::ok() const { return Pq().status(conn_) == CONNECTION_OK; }

Result<PgResult> PgConn::Run(const char* sql) {
  PgResult result(Pq().exec(conn_, sql));
  const ExecStatusType status = Pq().result_status(result.result_.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    return Error(PgError(conn_, result.result_.get(), "PostgreSQL statement failed"));
  return result;
}

Status PgConn::Exec(const std::string& sql) {
  auto result = Run(sql.c_str());
  return result ? Status::Ok() : result.error();
}

Result<PgTxIdentity> PgConn::Begin() {
  // The id is taken now rather than at the first write: one round trip fewer than asking at
  // COMMIT, and a write transaction gets one anyway.
  auto result = Run("BEGIN; SELECT pg_current_xact_id()::text::bigint, pg_backend_pid()");
  if (result && result->rows() == 1) return PgTxIdentity{result->Int(0, 0), result->Int(0, 1)};
  // The connection goes back to the pool: not inside a transaction.
  if (ok()) (void)Run("ROLLBACK");
  if (!result) return Error(result.error());
  return Error(Internal("BEGIN did not say which transaction it began"));
}

Result<PgResult> PgConn::Query(const char* sql, const PgParams& params) {
  const auto& list = params.params_;
  auto [entry, added] = prepared_.try_emplace(sql);
  if (added) {
    entry->second = "q" + std::to_string(prepared_.size());
    std::vector<Oid> types;
    for (const auto& p : list) types.push_back(p.type);
    PgResult prepared(Pq().prepare(conn_, entry->second.c_str(), sql,
                                   static_cast<int>(types.size()), types.data()));
    if (Pq().result_status(prepared.result_.get()) != PGRES_COMMAND_OK) {
      Status error = PgError(conn_, prepared.result_.get(), "cannot prepare a statement");
      prepared_.erase(entry);
      return Error(error);
    }
  }
  std::vector<const char*> values;
  for (const auto& p : list) values.push_back(p.null ? nullptr : p.text.c_str());
  PgResult result(Pq().exec_prepared(conn_, entry->second.c_str(), static_cast<int>(values.size()),
                                     values.data(), nullptr, nullptr, 0));
  const ExecStatusType status = Pq().result_status(result.result_.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    return Error(PgError(conn_, result.result_.get(), "PostgreSQL statement failed"));
  return result;
}

Result<std::vector<PgNotification>> PgConn::AwaitNotifications(int timeout_ms) {
  std::vector<PgNotification> taken;
  auto take_all = [this, &taken] {
    while (PGnotify* n = Pq().notifies(conn_)) {
      taken.push_back({n->relname, n->extra ? n->extra : ""});
      Pq().freemem(n);
    }
    return !taken.empty();
  };
  if (take_all()) return taken;
  pollfd socket{Pq().socket(conn_), POLLIN, 0};
  if (socket.fd < 0) return Error(Unavailable("the PostgreSQL connection is closed"));
  const int ready = ::poll(&socket, 1, timeout_ms);
  if (ready < 0) {
    if (errno == EINTR) return taken;
    return Error(Unavailable("poll failed"));
  }
  if (ready == 0) return taken;
  if (!Pq().consume_input(conn_) || Pq().status(conn_) != CONNECTION_OK)
    return Error(PgError(conn_, nullptr, "the PostgreSQL connection was lost"));
  take_all();
  return taken;
}

Status PgConn::Commit() {
  PgResult result(Pq().exec(conn_, "COMMIT"));
  if (Pq().result_status(result.result_.get()) != PGRES_COMMAND_OK)
    return PgError(conn_, result.result_.get(), "COMMIT failed");
  if (std::string_view(Pq().cmd_status(result.result_.get())) != "COMMIT")
    return Internal("the transaction was rolled back (a statement in it had failed)");
  return Status::Ok();
}

}  // namespace quell::store
