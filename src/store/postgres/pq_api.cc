#include "store/postgres/pq_api.h"

#include "common/shared_library.h"

namespace quell::store {
namespace {

// libpq's ABI has kept this name since PostgreSQL 8.0 (the one `quell` was linked with before).
constexpr const char* kLibpq = "libpq.so.5";

Result<PqApi> Load() {
  QUELL_ASSIGN_OR_RETURN(const SharedLibrary lib, SharedLibrary::Open(kLibpq));
  PqApi api{};
  for (const Status& s : {lib.Bind("PQconnectdbParams", &api.connectdb_params),
                          lib.Bind("PQfinish", &api.finish),
                          lib.Bind("PQstatus", &api.status),
                          lib.Bind("PQerrorMessage", &api.error_message),
                          lib.Bind("PQsetNoticeProcessor", &api.set_notice_processor),
                          lib.Bind("PQsocket", &api.socket),
                          lib.Bind("PQconsumeInput", &api.consume_input),
                          lib.Bind("PQnotifies", &api.notifies),
                          lib.Bind("PQfreemem", &api.freemem),
                          lib.Bind("PQexec", &api.exec),
                          lib.Bind("PQprepare", &api.prepare),
                          lib.Bind("PQexecPrepared", &api.exec_prepared),
                          lib.Bind("PQresultStatus", &api.result_status),
                          lib.Bind("PQresultErrorMessage", &api.result_error_message),
                          lib.Bind("PQresultErrorField", &api.result_error_field),
                          lib.Bind("PQntuples", &api.ntuples),
                          lib.Bind("PQgetvalue", &api.getvalue),
                          lib.Bind("PQgetlength", &api.getlength),
                          lib.Bind("PQcmdStatus", &api.cmd_status),
                          lib.Bind("PQcmdTuples", &api.cmd_tuples),
                          lib.Bind("PQclear", &api.clear)}) {
    if (!s.ok()) return Error(s);
  }
  return api;
}

}  // namespace

const Result<PqApi>& LoadPq() {
  static const Result<PqApi> api = Load();  // thread-safe: C++ static initialisation
  return api;
}

}  // namespace quell::store
