#include "store/sqlite/redo_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/hash.h"

namespace quell::store {
namespace {

template <typename T>
void Put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
bool Take(std::string_view& in, T& value) {
  if (in.size() < sizeof value) return false;
  std::memcpy(&value, in.data(), sizeof value);
  in.remove_prefix(sizeof value);
  return true;
}

Status Malformed() { return InvalidArgument("malformed redo record"); }

// Frame: payload length (u32), sequence number (u64), XXH3 of both and the payload (u64).
constexpr size_t kHeaderBytes = 4 + 8 + 8;

uint64_t Checksum(uint32_t length, uint64_t seq, std::string_view payload) {
  std::string head;
  Put(head, length);
  Put(head, seq);
  return Xxh3(head) ^ Xxh3(payload);
}

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

RedoOp::Param& RedoOp::At(int index) {
  if (params_.size() < static_cast<size_t>(index)) params_.resize(static_cast<size_t>(index));
  return params_[static_cast<size_t>(index - 1)];
}

RedoOp& RedoOp::Bind(int index, int64_t value) {
  Param& p = At(index);
  p.type = Type::kInt;
  p.i = value;
  return *this;
}

RedoOp& RedoOp::Bind(int index, std::string_view value) {
  Param& p = At(index);
  p.type = Type::kText;
  p.text.assign(value);
  return *this;
}

RedoOp& RedoOp::Bind(int index, double value) {
  Param& p = At(index);
  p.type = Type::kDouble;
  p.d = value;
  return *this;
}

RedoOp& RedoOp::BindNull(int index) {
  At(index).type = Type::kNull;
  return *this;
}

void RedoOp::BindTo(SqliteStatement& statement) const {
  for (size_t i = 0; i < params_.size(); ++i) {
    const Param& p = params_[i];
    const int index = static_cast<int>(i + 1);
    switch (p.type) {
      case Type::kNull: statement.BindNull(index); break;
      case Type::kInt: statement.Bind(index, p.i); break;
      case Type::kDouble: statement.Bind(index, p.d); break;
      case Type::kText: statement.BindUncopied(index, p.text); break;
    }
  }
}

void RedoOp::AppendTo(std::string& out) const {
  out.push_back(static_cast<char>(statement_));
  out.push_back(static_cast<char>(params_.size()));
  for (const Param& p : params_) {
    out.push_back(static_cast<char>(p.type));
    switch (p.type) {
      case Type::kNull: break;
      case Type::kInt: Put(out, p.i); break;
      case Type::kDouble: Put(out, p.d); break;
      case Type::kText:
        Put(out, static_cast<uint32_t>(p.text.size()));
        out.append(p.text);
        break;
    }
  }
}

Result<RedoOp> RedoOp::Read(std::string_view& in) {
  uint8_t statement = 0, count = 0;
  if (!Take(in, statement) || !Take(in, count)) return Error(Malformed());
  RedoOp op(statement);
  for (int index = 1; index <= count; ++index) {
    uint8_t type = 0;
    if (!Take(in, type)) return Error(Malformed());
    switch (static_cast<Type>(type)) {
      case Type::kNull: op.BindNull(index); break;
      case Type::kInt: {
        int64_t v = 0;
        if (!Take(in, v)) return Error(Malformed());
        op.Bind(index, v);
        break;
      }
      case Type::kDouble: {
        double v = 0;
        if (!Take(in, v)) return Error(Malformed());
        op.Bind(index, v);
        break;
      }
      case Type::kText: {
        uint32_t size = 0;
        if (!Take(in, size) || in.size() < size) return Error(Malformed());
        op.Bind(index, in.substr(0, size));
        in.remove_prefix(size);
        break;
      }
      default: return Error(Malformed());
    }
  }
  return op;
}

Result<std::unique_ptr<RedoLog>> RedoLog::Open(const std::string& path, bool sync) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error(Internal("cannot open " + path + ": " + ErrnoText()));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Error(Unavailable(path + " is in use by another process"));
  }
  return std::unique_ptr<RedoLog>(new RedoLog(fd, sync));
}

RedoLog::~RedoLog() { ::close(fd_); }

Result<std::vector<RedoRecord>> RedoLog::ReadAll() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return Error(Internal("redo log: " + ErrnoText()));
  std::string data(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::pread(fd_, data.data() + got, data.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error(Internal("redo log: " + ErrnoText()));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  data.resize(got);
  std::vector<RedoRecord> records;
  std::string_view in(data);
  while (in.size() >= kHeaderBytes) {
    std::string_view head = in;
    uint32_t length = 0;
    uint64_t seq = 0, checksum = 0;
    Take(head, length);
    Take(head, seq);
    Take(head, checksum);
    if (head.size() < length) break;  // torn
    std::string_view payload = head.substr(0, length);
    if (Checksum(length, seq, payload) != checksum) break;  // torn or overwritten
    if (!records.empty() && seq != records.back().seq + 1) break;  // an older batch's record
    records.push_back({seq, std::string(payload)});
    in = head.substr(length);
  }
  return records;
}

Status RedoLog::Append(uint64_t seq, std::string_view payload) {
  const auto length = static_cast<uint32_t>(payload.size());
  frame_.clear();  // the header; the payload is written from where it is
  Put(frame_, length);
  Put(frame_, seq);
  Put(frame_, Checksum(length, seq, payload));
  const size_t total = frame_.size() + payload.size();
  size_t written = 0;
  while (written < total) {
    iovec parts[2];
    int count = 0;
    if (written < frame_.size()) {
      parts[count++] = {frame_.data() + written, frame_.size() - written};
      parts[count++] = {const_cast<char*>(payload.data()), payload.size()};
    } else {
      const size_t from = written - frame_.size();
      parts[count++] = {const_cast<char*>(payload.data()) + from, payload.size() - from};
    }
    ssize_t n = ::pwritev(fd_, parts, count, static_cast<off_t>(offset_ + written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Internal("cannot write the redo log: " + ErrnoText());
    written += static_cast<size_t>(n);
  }
  if (sync_ && ::fdatasync(fd_) != 0) return Internal("cannot sync the redo log: " + ErrnoText());
  offset_ += total;
  return Status::Ok();
}

}  // namespace quell::store
