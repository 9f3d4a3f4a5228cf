#include "analysis/logmine/csv.h"

#include <gtest/gtest.h>

namespace quell::analysis::logmine {
namespace {

TEST(CsvTest, ParsesQuotesEscapesAndNewlines) {
  auto rows = ParseCsv("LineId,EventTemplate\n1,\"a, \"\"b\"\"\"\n2,\"multi\nline\"\n3,plain");
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[1][1], "a, \"b\"");
  EXPECT_EQ((*rows)[2][1], "multi\nline");
  auto column = CsvColumn(*rows, "EventTemplate");
  ASSERT_TRUE(column.has_value());
  EXPECT_EQ(column->back(), "plain");
  EXPECT_FALSE(CsvColumn(*rows, "Missing").has_value());
}

TEST(CsvTest, RejectsUnterminatedQuote) { EXPECT_FALSE(ParseCsv("a,\"b\n").has_value()); }

TEST(CsvTest, QuotesOnlyWhenNeeded) {
  std::string out;
  AppendCsvField("plain <*>", &out);
  out.push_back(',');
  AppendCsvField("a,\"b\"", &out);
  EXPECT_EQ(out, "plain <*>,\"a,\"\"b\"\"\"");
}

}  // namespace
}  // namespace quell::analysis::logmine
