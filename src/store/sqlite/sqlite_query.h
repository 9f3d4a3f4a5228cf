// Reading the rows of a prepared statement (sqlite_db.h): every row, the first row, a count.
// Internal to the SQLite store.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/status.h"
#include "store/sqlite/sqlite_db.h"

namespace quell::store {

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
