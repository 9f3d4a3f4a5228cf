#include "store/sqlite/redo_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "common/hash.h"
#include "store/sqlite/sqlite_db.h"

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

namespace {

std::string ParentDirectory(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Makes a directory's entries (a file created or renamed in it) survive a power failure.
Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Internal("cannot open directory " + dir + ": " + ErrnoText());
  const int rc = ::fsync(fd);
  const std::string error = rc != 0 ? ErrnoText() : std::string();
  ::close(fd);
  if (rc != 0) return Internal("cannot sync directory " + dir + ": " + error);
  return Status::Ok();
}

Result<std::string> ReadFile(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Error(Internal(path + ": " + ErrnoText()));
  std::string data(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::pread(fd, data.data() + got, data.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error(Internal(path + ": " + ErrnoText()));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  data.resize(got);
  return data;
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Internal("cannot write " + path + ": " + ErrnoText());
    written += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// The frame at `at` when it is whole and its checksum holds.
bool IntactFrame(std::string_view data, size_t at, uint32_t& length, uint64_t& seq) {
  if (data.size() - at < kHeaderBytes) return false;
  std::string_view head = data.substr(at);
  uint64_t checksum = 0;
  Take(head, length);
  Take(head, seq);
  Take(head, checksum);
  if (head.size() < length) return false;
  return Checksum(length, seq, head.substr(0, length)) == checksum;
}

}  // namespace

Result<std::unique_ptr<RedoLog>> RedoLog::Open(const std::string& path, bool sync) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  const bool created = fd >= 0;
  if (fd < 0 && errno == EEXIST) fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Error(Internal("cannot open " + path + ": " + ErrnoText()));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Error(Unavailable(path + " is in use by another process"));
  }
  if (created) {
    Status synced = SyncDirectory(ParentDirectory(path));
    if (!synced.ok()) {
      ::close(fd);
      return Error(std::move(synced));
    }
  }
  return std::unique_ptr<RedoLog>(new RedoLog(fd, sync, path));
}

RedoLog::~RedoLog() { ::close(fd_); }

Result<RedoScan> RedoLog::Scan(uint64_t applied_seq) {
  QUELL_ASSIGN_OR_RETURN(std::string data, ReadFile(fd_, path_));
  RedoScan scan;
  scan.file_size = data.size();
  size_t at = 0;
  bool bad = false;
  while (at < data.size()) {
    uint32_t length = 0;
    uint64_t seq = 0;
    if (!IntactFrame(data, at, length, seq)) {
      bad = true;  // torn, or corrupt: told apart below
      break;
    }
    if (!scan.records.empty() && seq != scan.records.back().seq + 1) break;  // an older batch's
    scan.records.push_back({seq, data.substr(at + kHeaderBytes, length)});
    at += kHeaderBytes + length;
  }
  scan.end = at;
  if (!bad) return scan;
  // A crash in the middle of an append leaves a torn record with nothing after it (or, after a
  // power failure, zeros). A bad record with an intact, newer one after it is corruption: look
  // for one at every byte offset. Checking the sequence number first (newer than everything so
  // far, and no more newer than records could fit) makes the search about one compare a byte.
  const uint64_t floor =
      std::max(applied_seq, scan.records.empty() ? uint64_t{0} : scan.records.back().seq);
  const uint64_t ceiling = floor + (data.size() - at) / kHeaderBytes + 1;
  for (size_t next = at + 1; next + kHeaderBytes <= data.size(); ++next) {
    uint32_t length = 0;
    uint64_t seq = 0;
    std::memcpy(&length, data.data() + next, sizeof length);
    std::memcpy(&seq, data.data() + next + sizeof length, sizeof seq);
    if (seq <= floor || seq > ceiling || length > data.size() - next - kHeaderBytes) continue;
    if (IntactFrame(data, next, length, seq)) {
      scan.corrupt = true;
      scan.resumes_at = next;
      break;
    }
  }
  return scan;
}

Result<std::vector<RedoRecord>> RedoLog::ReadAll(uint64_t applied_seq) {
  QUELL_ASSIGN_OR_RETURN(RedoScan scan, Scan(applied_seq));
  if (scan.corrupt) {
    return Error(Internal(
        "redo log " + path_ + " is corrupt at byte offset " + std::to_string(scan.end) + " (of " +
        std::to_string(scan.file_size) + "; intact records follow at byte offset " +
        std::to_string(scan.resumes_at) + "), so start-up stops rather than lose what follows. "
        "`quell repair --data-dir " + ParentDirectory(path_) + "` keeps the " +
        std::to_string(scan.records.size()) +
        " records before it and drops the rest, after saving a copy of the file"));
  }
  return std::move(scan.records);
}

Status RedoLog::Truncate() {
  offset_ = 0;
  if (::ftruncate(fd_, 0) != 0) return Internal("cannot truncate the redo log: " + ErrnoText());
  return Status::Ok();
}

Result<RedoRepair> RedoLog::Repair(const std::string& path, uint64_t applied_seq) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return RedoRepair{};
  if (fd < 0) return Error(Internal("cannot open " + path + ": " + ErrnoText()));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Error(Unavailable(path + " is in use by another process (stop quell serve first)"));
  }
  RedoLog log(fd, false, path);  // closes fd
  QUELL_ASSIGN_OR_RETURN(RedoScan scan, log.Scan(applied_seq));
  RedoRepair repair;
  if (!scan.corrupt) return repair;
  repair.corrupt = true;
  repair.bad_offset = scan.end;
  repair.dropped_bytes = scan.file_size - scan.end;
  repair.kept_records = scan.records.size();
  // The copy first, whole and synced, so that nothing is cut before it is saved.
  QUELL_ASSIGN_OR_RETURN(std::string data, ReadFile(fd, path));
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  int copy = -1;
  for (int n = 1; copy < 0 && n < 100; ++n) {
    repair.copy_path = path + ".corrupt-" + stamp + (n > 1 ? "-" + std::to_string(n) : "");
    copy = ::open(repair.copy_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (copy < 0 && errno != EEXIST) break;
  }
  if (copy < 0) return Error(Internal("cannot create " + repair.copy_path + ": " + ErrnoText()));
  Status status = WriteAll(copy, data, repair.copy_path);
  if (status.ok() && ::fsync(copy) != 0)
    status = Internal("cannot sync " + repair.copy_path + ": " + ErrnoText());
  ::close(copy);
  if (status.ok()) status = SyncDirectory(ParentDirectory(path));
  QUELL_RETURN_IF_ERROR(status);
  if (::ftruncate(fd, static_cast<off_t>(scan.end)) != 0 || ::fsync(fd) != 0)
    return Error(Internal("cannot cut " + path + ": " + ErrnoText()));
  return repair;
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
