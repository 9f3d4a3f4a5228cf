// `quell repair --data-dir DIR`: the way forward when start-up stops at a corrupt record in the
// middle of the redo log (see docs/operations.md, Durability).
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/commands.h"
#include "store/sqlite/sqlite_store.h"

namespace quell::cli {

int RunRepair(const std::string& data_dir) {
  const std::string db = data_dir + "/quell.db";
  std::error_code ec;
  if (!std::filesystem::exists(db, ec) && !std::filesystem::exists(db + "-redo", ec)) {
    std::fprintf(stderr, "quell: no Quell database in %s\n", data_dir.c_str());
    return 2;
  }
  auto repair = store::RepairSqliteRedoLog(db);
  if (!repair) {
    std::fprintf(stderr, "quell: %s\n", repair.error().ToString().c_str());
    return 1;
  }
  if (!repair->corrupt) {
    std::printf("%s-redo has no corrupt record: nothing to repair\n", db.c_str());
  } else {
    std::printf(
        "%s-redo: saved as %s, then cut at the corrupt record at byte offset %llu: kept the %zu "
        "records before it, dropped %llu bytes from there on (the acknowledged writes they held "
        "are lost unless recovered from the copy)\n",
        db.c_str(), repair->copy_path.c_str(), static_cast<unsigned long long>(repair->bad_offset),
        repair->kept_records, static_cast<unsigned long long>(repair->dropped_bytes));
  }
  // Opening the store replays what the log holds into the database and empties the log.
  store::SqliteOptions options;
  options.path = db;
  auto opened = store::OpenSqliteStore(options);
  if (!opened) {
    std::fprintf(stderr, "quell: the database still does not open: %s\n",
                 opened.error().ToString().c_str());
    return 1;
  }
  opened->reset();
  std::printf("%s opens: quell serve can start\n", db.c_str());
  return 0;
}

}  // namespace quell::cli
