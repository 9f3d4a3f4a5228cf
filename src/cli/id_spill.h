// IdSpill: a long sequence of ids (one per input line) kept in a temporary file instead of
// memory, written once and then read back once in order. `quell logmine --structured` needs the
// cluster of every line, but can only name its final template after the whole file is mined.
// Ids are cluster ids, small consecutive numbers: each is kept in 4 bytes (half the file to write
// and read back); a larger one makes StartReading fail rather than come back wrong.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "common/status.h"

namespace quell::cli {

class IdSpill {
 public:
  static Result<IdSpill> Create();

  void Append(uint64_t id) {
    too_large_ |= id > UINT32_MAX;
    block_.push_back(static_cast<uint32_t>(id));
    if (block_.size() == kBlock) Flush();
  }
  // Ends writing and rewinds; fails when the temporary file could not be written or an id did
  // not fit in 4 bytes.
  Status StartReading();
  // The next id in the order appended; false at the end.
  bool Next(uint64_t* id);

 private:
  static constexpr size_t kBlock = 1 << 14;  // ids: 64 KB of buffer
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  explicit IdSpill(std::FILE* f) : file_(f) { block_.reserve(kBlock); }
  void Flush();

  std::unique_ptr<std::FILE, Closer> file_;
  std::vector<uint32_t> block_;
  size_t read_at_ = 0;
  bool write_failed_ = false;
  bool too_large_ = false;
};

}  // namespace quell::cli
