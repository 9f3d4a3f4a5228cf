#include "cli/line_stream.h"

#include <algorithm>
#include <cstring>

namespace quell::cli {

void LineStream::Closer::operator()(std::FILE* f) const {
  if (f != stdin) std::fclose(f);
}

LineStream::LineStream(std::FILE* f, size_t block) : file_(f), buffer_(block, '\0') {}

Result<LineStream> LineStream::Open(const std::string& path, size_t block) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Error(NotFound("cannot open " + path));
  return LineStream(f, std::max<size_t>(block, 1));
}

bool LineStream::Refill() {
  if (eof_) return false;
  const size_t unread = end_ - begin_;
  std::memmove(buffer_.data(), buffer_.data() + begin_, unread);
  begin_ = 0;
  end_ = unread;
  // A line longer than the buffer grows it (only as long as the longest line).
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  const size_t got = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_.get());
  end_ += got;
  if (got == 0) {
    eof_ = true;
    failed_ = std::ferror(file_.get()) != 0;
  }
  return got > 0;
}

bool LineStream::Next(std::string_view* line) {
  size_t searched = begin_;
  for (;;) {
    const void* nl = std::memchr(buffer_.data() + searched, '\n', end_ - searched);
    if (nl != nullptr) {
      const size_t at = static_cast<const char*>(nl) - buffer_.data();
      *line = std::string_view(buffer_.data() + begin_, at - begin_);
      begin_ = at + 1;
      return true;
    }
    const size_t offset = end_ - begin_;  // already searched, relative to the line start
    if (!Refill()) break;
    searched = begin_ + offset;
  }
  if (begin_ == end_) return false;
  *line = std::string_view(buffer_.data() + begin_, end_ - begin_);
  begin_ = end_;
  return true;
}

}  // namespace quell::cli
