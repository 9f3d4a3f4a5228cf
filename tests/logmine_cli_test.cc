// `quell logmine` run on a file as a user runs it: the structured CSV names every input line by
// its number, in order.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "server_process.h"

namespace quell::testing {
namespace {

TEST(LogmineCli, StructuredCsvNumbersEveryLineInOrder) {
  ServerProcess scratch;  // not started: only its temporary directory is used
  const std::string log = scratch.data_dir() + "/app.log";
  const std::string csv = scratch.data_dir() + "/lines.csv";
  // 1,005 lines: the line numbers carry from 9 to 10, 99 to 100 and 999 to 1000.
  constexpr int kLines = 1005;
  {
    std::ofstream out(log);
    for (int i = 1; i <= kLines; ++i) {
      out << "2024-05-01 12:" << i % 60 / 10 << i % 10 << ":07 INFO Worker " << i
          << " finished job " << i * 7 << "\n";
    }
  }
  int code = 0;
  const std::string output = RunQuell(
      "logmine " + log + " --format '<Date> <Time> <Level> <Content>' --structured " + csv, &code);
  ASSERT_EQ(code, 0) << output;
  std::istringstream rows(ReadTextFile(csv));
  std::string row;
  std::getline(rows, row);
  EXPECT_EQ(row, "LineId,EventTemplate");
  int n = 0;
  std::string first_template;
  while (std::getline(rows, row)) {
    ++n;
    const std::string id = std::to_string(n) + ",";
    ASSERT_EQ(row.substr(0, id.size()), id) << "row " << n;
    if (n == 1) first_template = row.substr(id.size());
    EXPECT_EQ(row.substr(id.size()), first_template) << "row " << n;  // one template for all
  }
  EXPECT_EQ(n, kLines);
  EXPECT_EQ(first_template, "Worker <*> finished job <*>");
}

}  // namespace
}  // namespace quell::testing
