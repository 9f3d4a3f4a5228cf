// The libpq functions PgConn calls, loaded from libpq at first use (SharedLibrary): `quell` is
// not linked with libpq, so a subcommand that never opens PostgreSQL does not load it and the
// libraries it pulls in (TLS, Kerberos, LDAP).
#pragma once

#include <libpq-fe.h>

#include "common/status.h"

namespace quell::store {

struct PqApi {
  decltype(&::PQconnectdbParams) connectdb_params;
  decltype(&::PQfinish) finish;
  decltype(&::PQstatus) status;
  decltype(&::PQerrorMessage) error_message;
  decltype(&::PQsetNoticeProcessor) set_notice_processor;
  decltype(&::PQsocket) socket;
  decltype(&::PQconsumeInput) consume_input;
  decltype(&::PQnotifies) notifies;
  decltype(&::PQfreemem) freemem;
  decltype(&::PQexec) exec;
  decltype(&::PQprepare) prepare;
  decltype(&::PQexecPrepared) exec_prepared;
  decltype(&::PQresultStatus) result_status;
  decltype(&::PQresultErrorMessage) result_error_message;
  decltype(&::PQresultErrorField) result_error_field;
  decltype(&::PQntuples) ntuples;
  decltype(&::PQgetvalue) getvalue;
  decltype(&::PQgetlength) getlength;
  decltype(&::PQcmdStatus) cmd_status;
  decltype(&::PQcmdTuples) cmd_tuples;
  decltype(&::PQclear) clear;
};

// The loaded functions; the same error on every call when libpq or one of them is missing.
// Thread-safe.
const Result<PqApi>& LoadPq();

}  // namespace quell::store
