#include "store/sqlite/reader_pool.h"

#include <algorithm>

#include "store/sqlite/sqlite_db.h"

namespace quell::store {

ReaderPool::ReaderPool() = default;
ReaderPool::~ReaderPool() = default;

Status ReaderPool::Open(const std::string& path, int count) {
  for (int i = 0; i < std::max(1, count); ++i) {
    QUELL_ASSIGN_OR_RETURN(auto reader, SqliteDb::Open(path, false, false));
    QUELL_RETURN_IF_ERROR(reader->Exec("PRAGMA query_only=ON;"));
    idle_.push_back(reader.get());
    readers_.push_back(std::move(reader));
  }
  return Status::Ok();
}

ReaderPool::Lease::Lease(ReaderPool& pool) : pool_(pool) {
  std::unique_lock lock(pool_.mu_);
  pool_.cv_.wait(lock, [&] { return !pool_.idle_.empty(); });
  db_ = pool_.idle_.back();
  pool_.idle_.pop_back();
}

ReaderPool::Lease::~Lease() {
  {
    std::lock_guard lock(pool_.mu_);
    pool_.idle_.push_back(db_);
  }
  pool_.cv_.notify_one();
}

}  // namespace quell::store
