// Header detection from the data (HeaderProfile): one synthetic log per header shape, written
// for these tests. Each log is a header made by a small generator plus messages of varied shapes,
// and the test checks that every line's message is found exactly.
#include "analysis/logmine/header_detector.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "analysis/logmine/line_splitter.h"

namespace quell::analysis::logmine {
namespace {

using K = HeaderKind;

// Messages of varied first tokens and lengths, as a real program prints them.
constexpr std::array<const char*, 12> kMessages = {
    "connection from 10.0.0.7 closed",
    "user alice logged in",
    "Retrying request 7 of 10",
    "disk /dev/sda1 is 91% full",
    "GET /api/v1/items returned 200 in 12 ms",
    "cache miss for key user:42",
    "Shutting down worker pool",
    "job 1234 finished: ok",
    "[retry] backoff 250 ms",
    "42 records flushed to segment 7",
    "Invalid config value \"abc\" for timeout",
    "heartbeat",
};

std::string Message(int i) { return kMessages[static_cast<size_t>(i) % kMessages.size()]; }

std::string Format(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), fmt, args...);
  return buf;
}

// `n` lines: header(i), a space, message i.
std::vector<std::string> MakeLog(const std::function<std::string(int)>& header, int n = 300) {
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) lines.push_back(header(i) + " " + Message(i));
  return lines;
}

HeaderProfile Learn(const std::vector<std::string>& lines, const HeaderOptions& options = {}) {
  std::vector<std::string_view> views(lines.begin(), lines.end());
  return HeaderProfile::Learn(views, options);
}

std::vector<K> Kinds(const HeaderProfile& p) {
  std::vector<K> kinds;
  for (const HeaderColumn& c : p.columns()) kinds.push_back(c.kind);
  return kinds;
}

std::string Split(const HeaderProfile& p, std::string_view line) {
  return std::string(line.substr(p.MessageStart(line)));
}

// The plan (the token shapes of the sample) splits every line as the general path does: the
// log's own lines, the same lines with other digits (their tokens have the sample's shapes),
// with one byte changed (mostly a shape the plan does not know, or another cut) and cut short.
void ExpectPlanAsGeneral(const HeaderProfile& p, const std::vector<std::string>& lines) {
  const HeaderProfile general = p.WithoutPlan();
  ASSERT_EQ(general.plan_shapes(), 0u);
  if (p.found()) {
    ASSERT_GT(p.plan_shapes(), 0u);
  }
  std::mt19937 rng(static_cast<uint32_t>(lines.size()));
  const std::string bytes = "0123456789aZ:[]()<>-_=.,\" \t/";
  auto expect_same = [&](const std::string& line) {
    size_t planned = 0, cut = 0;
    ASSERT_EQ(p.MessageStart(line), general.MessageStart(line)) << "line: " << line;
    ASSERT_EQ(p.Fits(line, &planned), general.Fits(line, &cut)) << "line: " << line;
    ASSERT_EQ(planned, cut) << "line: " << line;
  };
  for (const std::string& line : lines) {
    expect_same(line);
    std::string redrawn = line;
    for (char& c : redrawn) c = c >= '0' && c <= '9' ? static_cast<char>('0' + rng() % 10) : c;
    expect_same(redrawn);
    if (line.empty()) continue;
    std::string changed = line;
    changed[rng() % line.size()] = bytes[rng() % bytes.size()];
    expect_same(changed);
    expect_same(line.substr(0, rng() % line.size()));
  }
}

// Every line of the log splits into its generated header and message.
void ExpectEveryMessage(const HeaderProfile& p, const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(Split(p, lines[i]), Message(static_cast<int>(i))) << "line: " << lines[i];
  }
  ExpectPlanAsGeneral(p, lines);
}

const char* Level(int i) {
  static constexpr std::array<const char*, 5> kLevels = {"INFO", "WARN", "ERROR", "DEBUG", "INFO"};
  return kLevels[static_cast<size_t>(i) % kLevels.size()];
}

TEST(HeaderProfileTest, Iso8601WithZoneAndDotMillis) {
  auto lines = MakeLog([](int i) {
    return Format("2024-05-01T12:%02d:%02d.%03d+02:00 %s [worker-%d] com.acme.Billing:", i % 60,
                  (i * 7) % 60, (i * 37) % 1000, Level(i), i % 4);
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kTime, K::kLevel, K::kBracketed, K::kTag}));
  EXPECT_EQ(p.sample_fitting(), lines.size());
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, IsoDateAndTimeWithCommaMillisAndUtcZone) {
  auto lines = MakeLog([](int i) {
    return Format("2024-05-%02d %02d:00:01,%03d UTC %s", 1 + i % 28, i % 24, i % 1000, Level(i));
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kTime, K::kTime, K::kZone, K::kLevel}));
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, SyslogWithHostAndProgramPid) {
  // "Jun  9": a single-digit day is padded with a second space.
  auto lines = MakeLog([](int i) {
    return Format("Jun %2d 15:16:%02d web-%d %s[%d]:", 1 + i % 30, i % 60, i % 3,
                  i % 2 ? "sshd" : "cron", 1000 + i);
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kCalendar, K::kNumber, K::kTime, K::kId, K::kTag}));
  ExpectEveryMessage(p, lines);
  // A component with a space before its ':' still closes the header.
  EXPECT_EQ(Split(p, "Jun 14 15:16:01 web-1 syslogd 1.4.1: restart."), "restart.");
}

TEST(HeaderProfileTest, EpochSecondsPidsAndNodeNames) {
  auto lines = MakeLog([](int i) {
    return Format("%d node-%d %d %s", 1717243201 + i * 13, i % 40, 300 + i % 9, Level(i));
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kNumber, K::kId, K::kNumber, K::kLevel}));
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, EpochWithFractionAndLowerCaseLevels) {
  static constexpr std::array<const char*, 3> kLower = {"info", "warning", "error"};
  auto lines = MakeLog([](int i) {
    return Format("1717243201.%03d %s", i % 1000, kLower[static_cast<size_t>(i) % 3]);
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kTime, K::kLevel}));
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, BracketedTimestampsAndBracketedLevels) {
  // Apache error log: "[Mon Jun 14 15:16:01 2024] [error] [client 10.0.0.1]".
  static constexpr std::array<const char*, 3> kLevels = {"[error]", "[notice]", "<Warning>"};
  auto lines = MakeLog([](int i) {
    return Format("[Mon Jun 14 15:16:%02d 2024] %s [client 10.0.%d.%d]", i % 60,
                  kLevels[static_cast<size_t>(i) % 3], i % 5, i % 250);
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kBracketed, K::kLevel, K::kBracketed}));
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, ThreadNamesWithSpacesAndLoggerWithDashSeparator) {
  // log4j "%d %p [%t] %c - %m": thread names may hold spaces; the logger is a name closed by "-".
  static constexpr std::array<const char*, 3> kThreads = {"[main]", "[RMCommunicator Allocator]",
                                                          "[pool-1-thread-3]"};
  static constexpr std::array<const char*, 2> kLoggers = {"org.acme.Server", "org.acme.db.Pool"};
  auto lines = MakeLog([](int i) {
    return Format("2015-10-18 18:01:%02d,%03d %s %s %s -", i % 60, i % 1000, Level(i),
                  kThreads[static_cast<size_t>(i) % 3], kLoggers[static_cast<size_t>(i) % 2]);
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kTime, K::kTime, K::kLevel, K::kBracketed, K::kWord,
                                      K::kSeparator}));
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, PythonLoggingWithDashSeparators) {
  // "%(asctime)s - %(name)s - %(levelname)s - %(message)s"
  static constexpr std::array<const char*, 3> kNames = {"myapp.db", "myapp.web", "auth"};
  auto lines = MakeLog([](int i) {
    return Format("2024-05-01 12:00:%02d,%03d - %s - %s -", i % 60, i % 1000,
                  kNames[static_cast<size_t>(i) % 3], Level(i));
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kTime, K::kTime, K::kSeparator, K::kWord, K::kSeparator,
                                      K::kLevel, K::kSeparator}));
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, SpringBootPaddedFields) {
  // "%d %5p %pid --- [%15t] %-40.40logger : %m": padded level and thread, ':' alone at the end.
  static constexpr std::array<const char*, 2> kThreads = {"[           main]", "[nio-8080-exec-1]"};
  auto lines = MakeLog([](int i) {
    return Format("2024-05-01T12:00:%02d.%03d+02:00 %5s 4242 --- %s c.e.demo.App%-10d :", i % 60,
                  i % 1000, Level(i), kThreads[static_cast<size_t>(i) % 2], i % 3);
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kTime, K::kLevel, K::kNumber, K::kSeparator, K::kBracketed,
                                      K::kId, K::kSeparator}));
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, KlogSourceLocationClosesTheHeader) {
  // glog/klog: "I0501 12:00:01.000123    17 server.go:42] message".
  auto lines = MakeLog([](int i) {
    return Format("%c0501 12:00:%02d.%06d    %d %s:%d]", "IWE"[i % 3], i % 60, i * 7, 1 + i % 30,
                  i % 2 ? "server.go" : "controller.go", 10 + i % 300);
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kId, K::kTime, K::kNumber, K::kTag}));
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, AccessLogClientAndBracketedTimeWithZone) {
  // nginx/Apache access log: the request line is the message.
  auto lines = MakeLog([](int i) {
    return Format("10.0.%d.%d - - [01/May/2024:12:00:%02d +0000]", i % 10, i % 250, i % 60);
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kTime, K::kSeparator, K::kSeparator, K::kBracketed}));
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, KeyValuePrefix) {
  auto lines = MakeLog([](int i) {
    return Format("ts=2024-05-01T12:00:%02dZ level=%s pid=%d", i % 60, i % 2 ? "info" : "warn",
                  100 + i % 7);
  });
  HeaderProfile p = Learn(lines);
  ASSERT_EQ(Kinds(p), (std::vector<K>{K::kKeyValue, K::kKeyValue, K::kKeyValue}));
  EXPECT_EQ(p.columns()[1].key, "level");
  ExpectEveryMessage(p, lines);
  // Another key in a header field: the line does not fit and is split on its own.
  EXPECT_EQ(Split(p, "user=bob level=info pid=1 hello there"),
            "user=bob level=info pid=1 hello there");
}

TEST(HeaderProfileTest, SingleLetterLevelsAndComponentTags) {
  // logcat: "03-17 16:13:38.811  1702  2395 D WindowManager: ...".
  static constexpr std::array<const char*, 4> kLetters = {"D", "I", "W", "E"};
  auto lines = MakeLog([](int i) {
    return Format("03-17 16:13:%02d.%03d  %d  %d %s Comp%c:", i % 60, i % 1000, 1700 + i % 3,
                  2000 + i % 50, kLetters[static_cast<size_t>(i) % 4], 'A' + i % 5);
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p),
            (std::vector<K>{K::kTime, K::kTime, K::kNumber, K::kNumber, K::kLevel, K::kTag}));
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, NameColumnsBeforeALevelAndPlaceholders) {
  // Words between constant-shape fields are header ("RAS KERNEL INFO"), a "-" placeholder column
  // may hold the odd label, and an odd word in an id column still fits.
  auto lines = MakeLog([](int i) {
    const std::string label = i % 10 == 3 ? "KERNDTLB" : "-";
    const std::string node = i == 150 ? "UNKNOWN_LOCATION" : Format("R%02d-M1-N%d", i % 64, i % 8);
    return Format("%s %d %s RAS %s %s", label.c_str(), 1117838570 + i, node.c_str(),
                  i % 3 ? "KERNEL" : "APP", i % 4 ? "INFO" : "FATAL");
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p),
            (std::vector<K>{K::kSeparator, K::kNumber, K::kId, K::kWord, K::kWord, K::kLevel}));
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, ADominantMessageDoesNotBecomeHeader) {
  // 95% of the lines carry one message: its words fill their columns as consistently as header
  // fields, but at most max_name_run name columns may sit in a header and none follows here.
  std::vector<std::string> lines;
  for (int i = 0; i < 400; ++i) {
    lines.push_back(Format("2024-05-01 12:00:%02d %s ", i % 60, Level(i)) +
                    (i % 20 == 0 ? Message(i) : "instruction cache parity error corrected"));
  }
  HeaderProfile p = Learn(lines, {.min_share = 0.7});
  EXPECT_EQ(Kinds(p), (std::vector<K>{K::kTime, K::kTime, K::kLevel}));
  EXPECT_EQ(Split(p, lines[1]), "instruction cache parity error corrected");
}

TEST(HeaderProfileTest, LinesThatDoNotFitFallBackToThePerLineHeuristic) {
  auto lines = MakeLog([](int i) {
    return Format("2024-05-01 12:00:%02d,000 %s [main] org.acme.App:", i % 60, Level(i));
  });
  HeaderProfile p = Learn(lines);
  ASSERT_TRUE(p.found());
  // A stack-trace line keeps its whole text; a line with another header shape loses its own.
  EXPECT_EQ(Split(p, "\tat org.acme.App.run(App.java:42)"), "\tat org.acme.App.run(App.java:42)");
  EXPECT_EQ(Split(p, "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user x"), "Invalid user x");
}

TEST(HeaderProfileTest, InterleavedProgramsHaveNoCommonHeader) {
  std::vector<std::string> lines;
  for (int i = 0; i < 300; ++i) {
    switch (i % 3) {
      case 0:
        lines.push_back(Format("2024-05-01 12:00:%02d INFO ", i % 60) + Message(i));
        break;
      case 1:
        lines.push_back(Format("Jun 14 15:16:%02d host app[7]: ", i % 60) + Message(i));
        break;
      default:
        lines.push_back(Message(i));
        break;
    }
  }
  HeaderProfile p = Learn(lines);
  EXPECT_FALSE(p.found());
  // Each line's header is still found on its own.
  EXPECT_EQ(Split(p, lines[0]), Message(0));
  EXPECT_EQ(Split(p, lines[1]), Message(1));
  EXPECT_EQ(Split(p, lines[2]), Message(2));
}

TEST(HeaderProfileTest, InterleavedProgramsEachKeepTheirLayout) {
  // Three programs in one file; two share their first two fields and part at the third.
  auto lines = MakeLog([](int i) {
    switch (i % 3) {
      case 0:
        return Format("2024-05-01 12:00:%02d,%03d %s [main] org.acme.App:", i % 60, i, Level(i));
      case 1:
        return Format("Jun 14 15:16:%02d host-%d app[%d]:", i % 60, i % 4, 100 + i);
      default:
        return Format("2024-05-01 12:00:%02d,%03d - %s [worker-%d] -", i % 60, i, Level(i), i % 3);
    }
  });
  HeaderProfile p = Learn(lines);
  ASSERT_TRUE(p.found());
  const std::vector<HeaderLayout> layouts = p.Layouts();
  ASSERT_EQ(layouts.size(), 3u);
  for (const HeaderLayout& layout : layouts) EXPECT_EQ(layout.lines, 100u);
  EXPECT_EQ(p.sample_fitting(), lines.size());
  ExpectEveryMessage(p, lines);
  // A line of another layout is split on its own.
  EXPECT_EQ(Split(p, "12:00:01 ERROR pool exhausted"), "pool exhausted");
}

TEST(HeaderProfileTest, ARareShapeFollowsTheBranchThatAcceptsIt) {
  // Two programs; one of them puts a label instead of its "-" placeholder on 1 line in 100: too
  // few for a branch of its own, so it follows the "-" branch.
  auto lines = MakeLog([](int i) {
    if (i % 2 == 0) {
      return Format("%s %d node-%d %s", i % 200 == 0 ? "KERNDTLB" : "-", 1117838570 + i, i % 9,
                    Level(i));
    }
    return Format("2024-05-01 12:00:%02d,%03d %s", i % 60, i, Level(i));
  });
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(p.Layouts().size(), 2u);
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, ThePlanTakesKnownShapesAndFallsBackOnOthers) {
  auto lines = MakeLog([](int i) {
    return Format("2024-05-01 12:00:%02d,%03d %s [worker-%d] org.acme.App:", i % 60,
                  100 + i % 900, Level(i), i % 4);
  });
  HeaderProfile p = Learn(lines);
  ASSERT_EQ(Kinds(p), (std::vector<K>{K::kTime, K::kTime, K::kLevel, K::kBracketed, K::kTag}));
  ASSERT_GT(p.plan_shapes(), 0u);
  // Shapes of the sample with other digits: taken by the plan.
  const std::vector<std::string> known = {
      "2031-12-31 23:59:59,999 ERROR [worker-9] org.acme.App: disk full",
      "1999-01-01 00:00:00,000 DEBUG [worker-0] org.acme.App: x",
  };
  EXPECT_EQ(Split(p, known[0]), "disk full");
  EXPECT_EQ(Split(p, known[1]), "x");
  // Shapes it does not know, and tokens that only start like a known shape: cut and classified
  // in full, with the general path's result.
  const std::vector<std::string> unknown = {
      "2024-05-01 12:00:01,0001 INFO [worker-1] org.acme.App: longer millis",
      "2024-05-01 12:00:01.001 INFO [worker-1] org.acme.App: a dot for the comma",
      "2024-05-01 12:00:01,001 TRACE [worker-1] org.acme.App: a level not in the sample",
      "2024-05-01 12:00:01,001 INFO [worker 1] org.acme.App: a thread name with a space",
      "2024-05-01 12:00:01,001 INFO [worker-1 org.acme.App: a bracket left open",
      "2024-05-01 12:00:01,001 INFO [worker-12] org.acme.Other: another component",
      "2024-05-01\t12:00:01,001\tINFO [worker-1] org.acme.App: tabs",
      "2024-05-01 12:00:01,001 INFOS [worker-1] org.acme.App: a longer word",
      "2024-05-01 12:00:01,001 UTC [worker-1] org.acme.App: a zone after the time",
      "2024-05-01 12:00:01,001 INFO",
      "2024-05-01",
      "x 2024-05-01 12:00:01,001 INFO [worker-1] org.acme.App: shifted",
  };
  EXPECT_EQ(Split(p, unknown[0]), "longer millis");  // still a time, of another shape
  EXPECT_EQ(Split(p, unknown[3]), "a thread name with a space");
  EXPECT_EQ(Split(p, unknown[6]), "tabs");
  std::vector<std::string> all = known;
  all.insert(all.end(), unknown.begin(), unknown.end());
  ExpectPlanAsGeneral(p, all);

  // A zone is a zone only after a time: the plan's "PDT" (seen after times) does not take a
  // "PDT" after a "-" placeholder, which is a word there and does not fit.
  auto zoned = MakeLog([](int i) { return Format("2024-05-01 12:00:%02d PDT %s", i % 60, Level(i)); });
  HeaderProfile z = Learn(zoned);
  ASSERT_EQ(Kinds(z), (std::vector<K>{K::kTime, K::kTime, K::kZone, K::kLevel}));
  const std::string placeholder = "2024-05-01 - PDT INFO message";
  size_t start = 0;
  EXPECT_FALSE(z.Fits(placeholder, &start));
  ExpectPlanAsGeneral(z, {placeholder, "2024-05-01 12:00:07 PDT INFO message"});
}

TEST(HeaderProfileTest, ThePlanSplitsInterleavedLayoutsAsTheGeneralPath) {
  // Each branch of the layout tree has its own shapes; a line's tokens are taken by the shapes
  // of the branch it reaches.
  auto lines = MakeLog([](int i) {
    switch (i % 4) {
      case 0:
        return Format("2024-05-01 12:00:%02d,%03d %s [main] org.acme.App:", i % 60, i, Level(i));
      case 1:
        return Format("Jun %2d 15:16:%02d host-%d app[%d]:", 1 + i % 28, i % 60, i % 4, 100 + i);
      case 2:
        return Format("- %d R%02d-M1-N%d RAS KERNEL %s", 1117838570 + i, i % 64, i % 8, Level(i));
      default:
        return Format("03-17 16:13:%02d.%03d  %d  %d %c Comp%c:", i % 60, i % 1000, 1700 + i % 3,
                      2000 + i % 50, "DIWE"[i % 4], 'A' + i % 5);
    }
  }, 800);
  HeaderProfile p = Learn(lines);
  ASSERT_EQ(p.Layouts().size(), 4u);
  ExpectEveryMessage(p, lines);
}

TEST(HeaderProfileTest, HeaderlessLogsStayWhole) {
  auto lines = MakeLog([](int i) { return std::string(i % 2 ? "a" : "the"); });
  HeaderProfile p = Learn(lines);
  EXPECT_FALSE(p.found());
  EXPECT_FALSE(Learn({}).found());
}

// Lines that one statement prints over and over have one shape in every column: the data does
// not show where the message starts, and the header must not take it (issue 18).
struct UniformCase {
  std::string line;    // line i, from the pattern
  std::string header;  // its expected header ("" for none)
};

// Every line splits into a non-empty message and the expected header.
void ExpectUniformSplit(const std::vector<UniformCase>& cases, std::vector<K> kinds) {
  std::vector<std::string> lines;
  for (const UniformCase& c : cases) lines.push_back(c.line);
  HeaderProfile p = Learn(lines);
  EXPECT_EQ(Kinds(p), kinds);
  for (const UniformCase& c : cases) {
    const size_t start = p.MessageStart(c.line);
    ASSERT_LT(start, c.line.size()) << "empty message: " << c.line;
    const std::string header = c.header.empty() ? "" : c.header + " ";
    ASSERT_EQ(c.line.substr(0, start), header) << "line: " << c.line;
  }
  ExpectPlanAsGeneral(p, lines);
}

TEST(HeaderProfileTest, OneStatementWithTimestampAndLevelKeepsItsMessage) {
  std::vector<UniformCase> cases;
  for (int i = 0; i < 300; ++i) {
    const std::string header = Format("2026-01-01 10:%02d:%02d INFO", i / 60, i % 60);
    cases.push_back({header + Format(" worker %d started job %d", i % 7, i * 3), header});
  }
  ExpectUniformSplit(cases, {K::kTime, K::kTime, K::kLevel});
}

TEST(HeaderProfileTest, OneStatementEndingInAWordKeepsItsNumbers) {
  // The header stops at the level, not at the last number before the trailing words.
  std::vector<UniformCase> cases;
  for (int i = 0; i < 300; ++i) {
    const std::string header =
        Format("2026-01-01 10:%02d:%02d [pool-%d] WARN", i / 60, i % 60, i % 4);
    cases.push_back({header + Format(" worker %d error done", i % 7), header});
  }
  ExpectUniformSplit(cases, {K::kTime, K::kTime, K::kBracketed, K::kLevel});
}

TEST(HeaderProfileTest, OneStatementWithoutAHeaderStaysWhole) {
  std::vector<UniformCase> cases;
  for (int i = 0; i < 300; ++i) cases.push_back({Format("worker %d started job %d", i % 7, i), ""});
  ExpectUniformSplit(cases, {});
}

TEST(HeaderProfileTest, OneRepeatedLineKeepsItsMessage) {
  std::vector<UniformCase> cases(300, {"INFO heartbeat 200", "INFO"});
  ExpectUniformSplit(cases, {K::kLevel});
  std::vector<UniformCase> stamped(300,
                                   {"2026-01-01 10:00:00 ERROR 503", "2026-01-01 10:00:00 ERROR"});
  ExpectUniformSplit(stamped, {K::kTime, K::kTime, K::kLevel});
}

TEST(HeaderProfileTest, OneTokenLinesAreAllMessage) {
  std::vector<UniformCase> numbers, times;
  for (int i = 0; i < 300; ++i) {
    numbers.push_back({std::to_string(1000 + i), ""});
    times.push_back({Format("10:%02d:%02d", i / 60, i % 60), ""});
  }
  ExpectUniformSplit(numbers, {});
  ExpectUniformSplit(times, {});
}

TEST(HeaderProfileTest, LineSplitterLearnsFromItsSample) {
  auto lines = MakeLog([](int i) { return Format("%d %s", 1717243201 + i, Level(i)); });
  std::vector<std::string_view> views(lines.begin(), lines.end());
  LineSplitter splitter = LineSplitter::Detect(views);
  EXPECT_TRUE(splitter.profile().found());
  EXPECT_EQ(splitter.Message(lines[5] + "\r"), Message(5));
}

TEST(HeaderKindTest, ClassifiesTokenShapes) {
  EXPECT_EQ(ClassifyHeaderToken("2024-05-01T12:00:01.5Z", K::kOther), K::kTime);
  EXPECT_EQ(ClassifyHeaderToken("18:01:47,978", K::kOther), K::kTime);
  EXPECT_EQ(ClassifyHeaderToken("17/06/09", K::kOther), K::kTime);
  EXPECT_EQ(ClassifyHeaderToken("1117838570", K::kOther), K::kNumber);
  EXPECT_EQ(ClassifyHeaderToken("-1", K::kOther), K::kNumber);
  EXPECT_EQ(ClassifyHeaderToken("CEST", K::kTime), K::kZone);
  EXPECT_EQ(ClassifyHeaderToken("-0700", K::kTime), K::kZone);
  EXPECT_EQ(ClassifyHeaderToken("CEST", K::kWord), K::kWord);
  EXPECT_EQ(ClassifyHeaderToken("Warning", K::kOther), K::kLevel);
  EXPECT_EQ(ClassifyHeaderToken("[debug]", K::kOther), K::kLevel);
  EXPECT_EQ(ClassifyHeaderToken("<ERROR>", K::kOther), K::kLevel);
  EXPECT_EQ(ClassifyHeaderToken("info:", K::kOther), K::kLevel);
  EXPECT_EQ(ClassifyHeaderToken("Information", K::kOther), K::kWord);
  EXPECT_EQ(ClassifyHeaderToken("Jun", K::kOther), K::kCalendar);
  EXPECT_EQ(ClassifyHeaderToken("may", K::kOther), K::kWord);
  EXPECT_EQ(ClassifyHeaderToken("--", K::kOther), K::kSeparator);
  EXPECT_EQ(ClassifyHeaderToken("[QuorumPeer[myid=1]/0:2181]", K::kOther), K::kBracketed);
  EXPECT_EQ(ClassifyHeaderToken("level=info", K::kOther), K::kKeyValue);
  EXPECT_EQ(ClassifyHeaderToken("msg=\"hi", K::kOther), K::kOther);
  EXPECT_EQ(ClassifyHeaderToken("R02-M1-N0-C:J12-U11", K::kOther), K::kId);
  EXPECT_EQ(ClassifyHeaderToken("unix.hw", K::kOther), K::kWord);
  EXPECT_EQ(ClassifyHeaderToken("sshd(pam_unix)[19939]:", K::kOther), K::kTag);
  EXPECT_EQ(ClassifyHeaderToken("server.cc:42]", K::kOther), K::kTag);
}

TEST(HeaderKindTest, TimesAreDigitGroupsJoinedByPunctuation) {
  // Without letters a time is told from its counts: two digit groups need punctuation inside,
  // not only before or after the digits.
  for (const char* t :
       {"1-2", "12:30", "1.2.3", "--1--2", "1_2", "1+2/3", "2015-10-18,", ":1:2:"}) {
    EXPECT_EQ(ClassifyHeaderToken(t, K::kOther), K::kTime) << t;
  }
  for (const char* t : {"1-", "-1-", "12:", "1--", "..12..", ":1"}) {
    EXPECT_EQ(ClassifyHeaderToken(t, K::kOther), K::kId) << t;
  }
  EXPECT_EQ(ClassifyHeaderToken("1*2", K::kOther), K::kId);    // not time punctuation
  EXPECT_EQ(ClassifyHeaderToken("1-2T3", K::kOther), K::kTime);  // ISO 'T': the general scan
}

TEST(HeaderKindTest, CalendarNamesOfEveryInitial) {
  for (const char* t : {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                        "Nov", "Dec", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "JUNE",
                        "September", "Wednesday", "OCTOBER", "Sunday"}) {
    EXPECT_EQ(ClassifyHeaderToken(t, K::kOther), K::kCalendar) << t;
  }
  for (const char* t : {"Jun.", "jun", "Bar", "Zed", "Octo", "Mondays", "JuN", "Ja"}) {
    EXPECT_NE(ClassifyHeaderToken(t, K::kOther), K::kCalendar) << t;
  }
}

}  // namespace
}  // namespace quell::analysis::logmine
