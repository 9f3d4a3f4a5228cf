// Reading the rows of a prepared statement (sqlite_db.h): every row, the first row, a count;
// and SqliteSql, the shared statements (store/shared_sql.h) as SQLite runs them. Internal to
// the SQLite store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/status.h"
#include "store/sqlite/sqlite_db.h"

namespace quell::store {

// A SQL text as a template argument, made at compile time.
template <size_t N>
struct SqlText {
  char text[N];
  consteval SqlText(const char (&sql)[N]) {  // NOLINT: converts on purpose
    for (size_t i = 0; i < N; ++i) text[i] = sql[i];
  }
};

// `sql` with PostgreSQL's parameters ($1) written as SQLite's (?1): the same numbers, so both
// backends bind alike. ($N is a named parameter to SQLite, numbered by first appearance.)
template <size_t N>
consteval SqlText<N> WithQuestionMarks(SqlText<N> sql) {
  for (size_t i = 0; i + 1 < N; ++i) {
    if (sql.text[i] == '$' && sql.text[i + 1] >= '0' && sql.text[i + 1] <= '9') sql.text[i] = '?';
  }
  return sql;
}

template <SqlText kSql>
inline constexpr auto kAsSqlite = WithQuestionMarks(kSql);

// A shared statement (store/shared_sql.h) as SQLite runs it: one string per statement, whose
// address keys SqliteDb's statement cache.
template <SqlText kSql>
inline constexpr const char* SqliteSql = kAsSqlite<kSql>.text;

// Steps `s` to the end, reading each row with `read`.
template <typename Read>
auto CollectRows(SqliteStatement& s, Read read) -> Result<std::vector<decltype(read(s))>> {
  std::vector<decltype(read(s))> out;
  for (;;) {
    QUELL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(read(s));
  }
  return out;
}

// The first row, read by `read`, or nullopt when there is none.
template <typename Read>
auto QueryOne(SqliteStatement& s, Read read) -> Result<std::optional<decltype(read(s))>> {
  QUELL_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  auto value = read(s);
  s.Reset();
  return value;
}

// The first column of the first row as an integer (a count), 0 when there is no row.
inline Result<int64_t> QueryCount(SqliteStatement& s) {
  QUELL_ASSIGN_OR_RETURN(bool row, s.Step());
  int64_t n = row ? s.Int(0) : 0;
  s.Reset();
  return n;
}

}  // namespace quell::store
