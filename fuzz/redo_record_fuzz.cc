// The SQLite store's redo log, read at every start-up: RedoLog::Scan over the file's frames
// (torn tails, stale records, corruption in the middle) and RedoOp::Read over each record's
// payload. The first byte picks the input's use: the whole file as it is on disk, a payload of
// RedoOps, or records appended through RedoLog::Append and then damaged (bytes overwritten or
// the file cut), so that the scan sees intact frames too.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fuzzer/FuzzedDataProvider.h>
#include <memory>
#include <string>

#include "fuzz_support.h"
#include "store/sqlite/redo_log.h"

namespace {

using quell::store::RedoLog;
using quell::store::RedoOp;
using quell::store::RedoRecord;

struct Log {
  std::string dir, path;
  std::unique_ptr<RedoLog> log;
  int fd = -1;  // a second descriptor to write the file behind the log's back

  Log() {
    const char* base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    dir = std::string(base) + "/quell-redo-fuzz-" + std::to_string(getpid());
    mkdir(dir.c_str(), 0700);
    path = dir + "/redo.log";
    unlink(path.c_str());
    auto opened = RedoLog::Open(path, false);
    FUZZ_CHECK(opened.has_value(), opened.error().ToString());
    log = std::move(*opened);
    fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
    FUZZ_CHECK(fd >= 0, path);
    // Both descriptors stay usable; nothing is left behind however the process ends.
    unlink(path.c_str());
    rmdir(dir.c_str());
  }
  ~Log() {
    log.reset();
    close(fd);
    unlink(path.c_str());
    rmdir(dir.c_str());
  }
};

Log& TheLog() {
  static Log log;
  return log;
}

// Reads RedoOps until the payload ends or one is malformed; each op read must write back as
// exactly the bytes it was read from.
void ReadOps(std::string_view payload) {
  while (!payload.empty()) {
    const std::string_view before = payload;
    auto op = RedoOp::Read(payload);
    if (!op) return;
    FUZZ_CHECK(payload.size() < before.size(), "an op read nothing");
    std::string written;
    op->AppendTo(written);
    FUZZ_CHECK(written == before.substr(0, before.size() - payload.size()), "op round trip");
  }
}

void Overwrite(int fd, std::string_view bytes, off_t at) {
  FUZZ_CHECK(pwrite(fd, bytes.data(), bytes.size(), at) == static_cast<ssize_t>(bytes.size()),
             "pwrite");
}

void CheckScan(Log& log, uint64_t applied_seq, const std::vector<RedoRecord>* written) {
  auto scan = log.log->Scan(applied_seq);
  FUZZ_CHECK(scan.has_value(), scan.error().ToString());
  FUZZ_CHECK(scan->end <= scan->file_size, std::to_string(scan->end));
  if (scan->corrupt)
    FUZZ_CHECK(scan->resumes_at > scan->end && scan->resumes_at < scan->file_size,
               std::to_string(scan->resumes_at));
  for (size_t i = 0; i < scan->records.size(); ++i) {
    if (i > 0) FUZZ_CHECK(scan->records[i].seq == scan->records[i - 1].seq + 1, "not consecutive");
    ReadOps(scan->records[i].payload);
  }
  if (written) {  // undamaged: exactly what was appended (up to the first sequence gap)
    FUZZ_CHECK(!scan->corrupt, "an undamaged log read as corrupt");
    FUZZ_CHECK(scan->records.size() <= written->size(), "more records than written");
    for (size_t i = 0; i < scan->records.size(); ++i)
      FUZZ_CHECK(scan->records[i].seq == (*written)[i].seq &&
                     scan->records[i].payload == (*written)[i].payload,
                 "record " + std::to_string(i) + " differs");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Log& log = TheLog();
  FuzzedDataProvider in(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {  // the file as found on disk
      const uint64_t applied = in.ConsumeIntegralInRange<uint64_t>(0, 8);
      const std::string file = in.ConsumeRemainingBytesAsString();
      FUZZ_CHECK(ftruncate(log.fd, 0) == 0, "ftruncate");
      Overwrite(log.fd, file, 0);
      CheckScan(log, applied, nullptr);
      break;
    }
    case 1:  // one record's payload
      ReadOps(in.ConsumeRemainingBytesAsString());
      break;
    default: {  // appended records, then damage
      FUZZ_CHECK(log.log->Truncate().ok(), "truncate");
      FUZZ_CHECK(ftruncate(log.fd, 0) == 0, "ftruncate");
      std::vector<RedoRecord> written;
      uint64_t seq = in.ConsumeIntegralInRange<uint64_t>(1, 4);
      const int records = in.ConsumeIntegralInRange(0, 8);
      bool gap = false;
      for (int i = 0; i < records; ++i) {
        std::string payload = in.ConsumeRandomLengthString(256);
        FUZZ_CHECK(log.log->Append(seq, payload).ok(), "append");
        if (!gap) written.push_back({seq, payload});
        const uint64_t next = in.ConsumeBool() ? seq + 1 : in.ConsumeIntegral<uint64_t>();
        gap = gap || next != seq + 1;
        seq = next;
      }
      struct stat st {};
      fstat(log.fd, &st);
      const int damage = in.ConsumeIntegralInRange(0, 3);
      for (int i = 0; i < damage && st.st_size > 0; ++i) {
        const auto at = in.ConsumeIntegralInRange<off_t>(0, st.st_size - 1);
        if (in.ConsumeBool()) {
          Overwrite(log.fd, in.ConsumeBytesAsString(in.ConsumeIntegralInRange(1, 16)), at);
        } else {
          FUZZ_CHECK(ftruncate(log.fd, at) == 0, "ftruncate");
          fstat(log.fd, &st);
        }
      }
      CheckScan(log, in.ConsumeIntegralInRange<uint64_t>(0, 4), damage == 0 ? &written : nullptr);
    }
  }
  return 0;
}
