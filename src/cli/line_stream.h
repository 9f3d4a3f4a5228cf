// LineStream: the lines of a file (or stdin) read block by block, so that memory stays the same
// however long the file is. Lines are split at '\n' only (a '\r' stays part of the line), and a
// final line without '\n' still counts. Read, not mapped: on this project's VMs the first touch
// of each mapped page cost more than read()'s copy into one reused buffer (docs/logmine.md).
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace quell::cli {

class LineStream {
 public:
  // 256 KB: as fast to read as 1 MB, and a quarter of the pages to fault in (about 13 us each on
  // this project's VMs).
  static constexpr size_t kBlock = 256 << 10;

  // "-" reads stdin. `block`, the bytes read at a time, is for tests.
  static Result<LineStream> Open(const std::string& path, size_t block = kBlock);

  // The next line without its '\n'; false at the end of the input. The view stays valid until
  // the next call.
  bool Next(std::string_view* line);
  // True when reading failed (rather than reaching the end).
  bool failed() const { return failed_; }

 private:
  struct Closer {
    void operator()(std::FILE* f) const;
  };
  LineStream(std::FILE* f, size_t block);
  // Moves the unread tail to the front and reads more; false when nothing more came.
  bool Refill();

  std::unique_ptr<std::FILE, Closer> file_;
  std::string buffer_;
  size_t begin_ = 0;  // first unread byte
  size_t end_ = 0;    // end of the bytes read
  bool eof_ = false;
  bool failed_ = false;
};

}  // namespace quell::cli
