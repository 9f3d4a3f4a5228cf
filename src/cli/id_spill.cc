#include "cli/id_spill.h"

namespace quell::cli {

Result<IdSpill> IdSpill::Create() {
  std::FILE* f = std::tmpfile();  // removed by the system when closed
  if (f == nullptr) return Error(Internal("cannot create a temporary file"));
  return IdSpill(f);
}

void IdSpill::Flush() {
  if (std::fwrite(block_.data(), sizeof(uint32_t), block_.size(), file_.get()) != block_.size()) {
    write_failed_ = true;
  }
  block_.clear();
}

Status IdSpill::StartReading() {
  Flush();
  if (too_large_) return Internal("a line id does not fit in the temporary file (over 2^32)");
  if (write_failed_ || std::fflush(file_.get()) != 0) {
    return Internal("cannot write the temporary file of line ids");
  }
  std::rewind(file_.get());
  read_at_ = 0;
  return Status::Ok();
}

bool IdSpill::Next(uint64_t* id) {
  if (read_at_ == block_.size()) {
    block_.resize(kBlock);
    block_.resize(std::fread(block_.data(), sizeof(uint32_t), kBlock, file_.get()));
    read_at_ = 0;
    if (block_.empty()) return false;
  }
  *id = block_[read_at_++];
  return true;
}

}  // namespace quell::cli
