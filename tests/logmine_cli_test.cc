// `quell logmine` run on a file as a user runs it: the structured CSV names every input line by
// its number, in order.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "server_process.h"

namespace quell::testing {
namespace {

// Writes `lines` to a log file, runs `quell logmine LOG <options> --structured CSV` and returns
// the CSV's rows after its column names.
std::vector<std::string> StructuredRows(const std::vector<std::string>& lines,
                                        const std::string& options) {
  ServerProcess scratch;  // not started: only its temporary directory is used
  const std::string log = scratch.data_dir() + "/app.log";
  const std::string csv = scratch.data_dir() + "/lines.csv";
  {
    std::ofstream out(log);
    for (const std::string& line : lines) out << line << "\n";
  }
  int code = 0;
  const std::string output = RunQuell("logmine " + log + options + " --structured " + csv, &code);
  EXPECT_EQ(code, 0) << output;
  std::istringstream in(ReadTextFile(csv));
  std::string row;
  std::getline(in, row);
  EXPECT_EQ(row, "LineId,EventTemplate");
  std::vector<std::string> rows;
  while (std::getline(in, row)) rows.push_back(row);
  return rows;
}

TEST(LogmineCli, StructuredCsvNumbersEveryLineInOrder) {
  // 1,005 lines: the line numbers carry from 9 to 10, 99 to 100 and 999 to 1000.
  constexpr int kLines = 1005;
  std::vector<std::string> lines;
  for (int i = 1; i <= kLines; ++i) {
    lines.push_back("2024-05-01 12:" + std::to_string(i % 60 / 10) + std::to_string(i % 10) +
                    ":07 INFO Worker " + std::to_string(i) + " finished job " +
                    std::to_string(i * 7));
  }
  const std::vector<std::string> rows =
      StructuredRows(lines, " --format '<Date> <Time> <Level> <Content>'");
  ASSERT_EQ(rows.size(), static_cast<size_t>(kLines));
  for (size_t n = 1; n <= rows.size(); ++n) {
    // One template for all, after each line's number.
    EXPECT_EQ(rows[n - 1], std::to_string(n) + ",Worker <*> finished job <*>") << "row " << n;
  }
}

TEST(LogmineCli, DetectedHeaderLeavesOneStatementsMessage) {
  // Every line printed by one statement: all columns have one shape each, and without --format
  // the detected header must stop at the level instead of taking the whole line (issue 18).
  constexpr int kLines = 300;
  std::vector<std::string> lines;
  for (int i = 1; i <= kLines; ++i) {
    lines.push_back("2026-01-01 10:0" + std::to_string(i / 60 % 10) + ":" +
                    std::to_string(i % 60 / 10) + std::to_string(i % 10) + " INFO worker " +
                    std::to_string(i % 7) + " started job " + std::to_string(i * 3));
  }
  const std::vector<std::string> rows = StructuredRows(lines, "");
  ASSERT_EQ(rows.size(), static_cast<size_t>(kLines));
  for (size_t n = 1; n <= rows.size(); ++n) {
    EXPECT_EQ(rows[n - 1], std::to_string(n) + ",worker <*> started job <*>") << "row " << n;
  }
}

}  // namespace
}  // namespace quell::testing
