// `quell repair`: a redo log with a corrupt record in the middle stops `quell serve` with a
// message naming the file and byte offset; `quell repair --data-dir DIR` saves a copy of the
// log, keeps the records before the bad one, and the server starts again.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "common/hash.h"
#include "server_process.h"

namespace quell::testing {
namespace {

template <typename T>
void Put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// A redo record as the store frames it: length, sequence number, XXH3 of both and the payload.
std::string Frame(uint64_t seq, const std::string& payload) {
  std::string head;
  Put(head, static_cast<uint32_t>(payload.size()));
  Put(head, seq);
  std::string frame = head;
  Put(frame, Xxh3(head) ^ Xxh3(payload));
  return frame + payload;
}

TEST(Repair, ACorruptRedoLogStopsStartUpUntilRepaired) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  ASSERT_EQ(server.Get("/readyz", "").status, 200);
  server.Stop();
  const std::string data = server.data_dir() + "/data";
  const std::string log = data + "/quell.db-redo";
  ASSERT_TRUE(std::filesystem::exists(log));
  EXPECT_EQ(std::filesystem::file_size(log), 0u);  // emptied once applied

  // Three records, the middle one damaged. (Sequence numbers far ahead of the database's: the
  // records are not replayed, only read.)
  const uint64_t seq = uint64_t{1} << 40;
  std::string second = Frame(seq + 1, "");
  second[12] = static_cast<char>(second[12] ^ 1);  // its checksum
  const std::string bytes = Frame(seq, "") + second + Frame(seq + 2, "");
  std::ofstream(log, std::ios::binary | std::ios::trunc) << bytes;

  EXPECT_FALSE(server.Start());
  const std::string refused = server.log();
  EXPECT_NE(refused.find(log), std::string::npos) << refused;
  EXPECT_NE(refused.find("byte offset 20 "), std::string::npos) << refused;
  EXPECT_NE(refused.find("quell repair --data-dir " + data), std::string::npos) << refused;

  int code = -1;
  const std::string out = RunQuell("repair --data-dir " + data, &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("byte offset 20"), std::string::npos) << out;
  std::string copy;
  for (const auto& entry : std::filesystem::directory_iterator(data)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("quell.db-redo.corrupt-", 0) == 0) copy = entry.path().string();
  }
  ASSERT_FALSE(copy.empty()) << out;
  std::ifstream in(copy, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), bytes);
  EXPECT_LE(std::filesystem::file_size(log), 20u);  // the record before the bad one, or applied

  ASSERT_TRUE(server.Start()) << server.log();
  EXPECT_EQ(server.Get("/readyz", "").status, 200);
  // Nothing left to repair.
  server.Stop();
  const std::string again = RunQuell("repair --data-dir " + data, &code);
  EXPECT_EQ(code, 0) << again;
  EXPECT_NE(again.find("nothing to repair"), std::string::npos) << again;
}

}  // namespace
}  // namespace quell::testing
