#include "analysis/logmine/header_format.h"

#include <gtest/gtest.h>

#include "analysis/logmine/header_detector.h"
#include "analysis/logmine/line_splitter.h"

namespace quell::analysis::logmine {
namespace {

std::string Content(const HeaderFormat& f, std::string_view line) {
  std::string_view content;
  if (!f.ExtractContent(line, &content)) return "<no match>";
  return std::string(content);
}

TEST(HeaderFormatTest, SplitsLoghubFormats) {
  auto f = HeaderFormat::Parse(R"(<Date> <Time> <Level> \[<Process>\] <Component>: <Content>)");
  ASSERT_TRUE(f.has_value()) << f.error().ToString();
  EXPECT_EQ(Content(*f, "2015-10-18 18:01:47,978 INFO [main] org.a.B: Created app 7"),
            "Created app 7");
  EXPECT_EQ(Content(*f, "garbage"), "<no match>");
  auto fields = f->Fields("2015-10-18 18:01:47,978 INFO [main] org.a.B: Created: x");
  ASSERT_EQ(fields.size(), 6u);
  EXPECT_EQ(fields[2].first, "Level");
  EXPECT_EQ(fields[2].second, "INFO");
  EXPECT_EQ(fields[4].second, "org.a.B");  // lazy: the first ": " ends the component
  EXPECT_EQ(fields[5].second, "Created: x");
}

TEST(HeaderFormatTest, OptionalGroupsAndRunsOfSpaces) {
  auto f = HeaderFormat::Parse(R"(<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>)");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(Content(*f, "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown"),
            "check pass; user unknown");
  EXPECT_EQ(Content(*f, "Jun  9 06:06:20 combo syslogd 1.4.1: restart."), "restart.");
  auto fields = f->Fields("Jun 14 15:16:01 combo su[1]: x");
  ASSERT_EQ(fields.size(), 7u);
  EXPECT_EQ(fields[5].first, "PID");
  EXPECT_EQ(fields[5].second, "1");
}

// A `|` in a literal fragment is regex syntax (formats are regexes between their fields), but it
// alternates inside the format only: a line the <Content> group does not take part in gives no
// message, never a view outside the line (found by the header_detector fuzzer).
TEST(HeaderFormatTest, AlternativesStayInsideTheAnchorsAndTheLine) {
  auto f = HeaderFormat::Parse("<Content><Con|");
  ASSERT_TRUE(f.has_value()) << f.error().ToString();
  EXPECT_EQ(Content(*f, ""), "<no match>");
  EXPECT_EQ(Content(*f, "abc<Con"), "abc");
  EXPECT_EQ(Content(*f, "abc"), "<no match>");
  auto s = LineSplitter::Create("<Content><Con|");
  ASSERT_TRUE(s.has_value());
  const std::string_view empty = std::string_view("x").substr(1);
  const std::string_view message = s->Message(empty);
  EXPECT_EQ(message.data(), empty.data());
  auto g = HeaderFormat::Parse("<Level>: <Content>|zzz");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(Content(*g, "WARN: x"), "x");
  EXPECT_EQ(Content(*g, "zzz"), "<no match>");
}

TEST(HeaderFormatTest, RejectsFormatsWithoutContentOrBadRegex) {
  EXPECT_FALSE(HeaderFormat::Parse("<Date> <Time>").has_value());
  EXPECT_FALSE(HeaderFormat::Parse("<Date> ([ <Content>").has_value());
}

TEST(LineSplitterTest, FallsBackToTheWholeLine) {
  auto s = LineSplitter::Create("<Level>: <Content>");
  ASSERT_TRUE(s.has_value());
  bool fits = true;
  EXPECT_EQ(s->Message("no colon here", &fits), "no colon here");
  EXPECT_FALSE(fits);
  EXPECT_EQ(s->Message("WARN: disk full\r", &fits), "disk full");
  EXPECT_TRUE(fits);
}

std::string Detected(std::string_view line) { return std::string(line.substr(DetectHeaderLength(line))); }

TEST(HeaderDetectorTest, FindsTheMessageInCommonLayouts) {
  EXPECT_EQ(Detected("2024-05-01 12:00:01,123 INFO [main] org.example.Server: Started on 8080"),
            "Started on 8080");
  EXPECT_EQ(Detected("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1"),
            "PacketResponder 1");
  EXPECT_EQ(Detected("Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster"),
            "Invalid user webmaster");
  EXPECT_EQ(Detected("2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:2181:Election@774] - "
                     "Notification time out: 3200"),
            "Notification time out: 3200");
  EXPECT_EQ(Detected("03-17 16:13:38.811  1702  2395 D WindowManager: printFreezing"),
            "printFreezing");
  EXPECT_EQ(Detected("2015-10-18 18:01:47,978 INFO [RMCommunicator Allocator] org.a.B: Retrying"),
            "Retrying");
  EXPECT_EQ(Detected("2024-05-01T12:00:01Z ERROR payment failed for order 7"),
            "payment failed for order 7");
}

TEST(HeaderDetectorTest, LeavesHeaderlessLinesAlone) {
  EXPECT_EQ(Detected("Connection to redis timed out"), "Connection to redis timed out");
  EXPECT_EQ(Detected("12:00:01"), "12:00:01");
  EXPECT_EQ(Detected(""), "");
}

}  // namespace
}  // namespace quell::analysis::logmine
