#include "ingest/log_batch.h"

#include <gtest/gtest.h>

namespace quell::ingest {
namespace {

constexpr TimeMs kNow = 1'800'000'000'000;

TEST(LogBatch, JavaStackTraceStaysOneEntry) {
  auto entries = LinesToEntries("api", {
      "2026-11-24T05:12:02Z ERROR Request failed",
      "java.lang.IllegalStateException: pool exhausted",
      "\tat com.acme.Pool.get(Pool.java:42)",
      "\tat com.acme.Api.handle(Api.java:10)",
      "Caused by: java.net.SocketTimeoutException: Read timed out",
      "\t... 12 more",
      "2026-11-24T05:12:03Z INFO next request"}, kNow);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].level, "ERROR");
  EXPECT_EQ(entries[0].ts, 1795497122000);
  EXPECT_EQ(entries[0].message.substr(0, 15), "Request failed\n");
  EXPECT_NE(entries[0].message.find("IllegalStateException"), std::string::npos);
  EXPECT_NE(entries[0].message.find("Caused by"), std::string::npos);
  EXPECT_NE(entries[0].message.find("12 more"), std::string::npos);
  EXPECT_EQ(entries[1].level, "INFO");
}

TEST(LogBatch, PythonAndGoTraces) {
  auto python = LinesToEntries("worker", {
      "ERROR job failed",
      "Traceback (most recent call last):",
      "  File \"/app/job.py\", line 10, in run",
      "    total = a / b",
      "ZeroDivisionError: division by zero",
      "INFO retrying"}, kNow);
  ASSERT_EQ(python.size(), 2u);
  EXPECT_NE(python[0].message.find("ZeroDivisionError"), std::string::npos);
  auto go = LinesToEntries("svc", {
      "panic: runtime error: invalid memory address or nil pointer dereference",
      "goroutine 1 [running]:",
      "main.handler(0x0)",
      "\t/app/main.go:42 +0x1d",
      "created by main.main",
      "\t/app/main.go:10 +0x5f"}, kNow);
  // "main.handler(0x0)" is a frame line without indentation: it starts a new entry, but the
  // panic and the goroutine header stay together.
  ASSERT_GE(go.size(), 1u);
  EXPECT_NE(go[0].message.find("goroutine 1"), std::string::npos);
}

TEST(LogBatch, JsonEntriesAndErrorsNameTheField) {
  auto ok = ParseLogJson(R"({"service":"api","entries":[{"ts":1795497122000,"level":"error","message":"boom"},{"message":"no ts"}]})", kNow);
  ASSERT_TRUE(ok) << ok.error().ToString();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].ts, 1795497122000);
  EXPECT_EQ((*ok)[1].ts, kNow);
  auto bad = ParseLogJson(R"({"service":"api","entries":[{"message":"a"},{"ts":"noon","message":"b"}]})", kNow);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field(), "entries[1].ts");
  for (const char* ts : {"1e300", "-1e19", R"("2026-02-31T00:00:00Z")"}) {
    auto out_of_range = ParseLogJson(
        std::string(R"({"service":"api","entries":[{"ts":)") + ts + R"(,"message":"b"}]})", kNow);
    ASSERT_FALSE(out_of_range) << ts;
    EXPECT_EQ(out_of_range.error().field(), "entries[0].ts") << ts;
  }
  EXPECT_EQ(ParseLogJson(R"({"lines":["x"]})", kNow).error().field(), "service");
  EXPECT_EQ(ParseLogJson(R"({"service":"a"})", kNow).error().field(), "lines");
  EXPECT_EQ(ParseLogJson(R"({"service":"a","lines":[1]})", kNow).error().field(), "lines[0]");
}

TEST(LogBatch, NdjsonLinesAndBadLineNamed) {
  auto ok = ParseLogNdjson("{\"service\":\"a\",\"message\":\"x\"}\n\n{\"service\":\"b\",\"line\":\"y\",\"level\":\"warn\"}\r\n", kNow);
  ASSERT_TRUE(ok) << ok.error().ToString();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1].service, "b");
  EXPECT_EQ((*ok)[1].message, "y");
  auto bad = ParseLogNdjson("{\"service\":\"a\",\"message\":\"x\"}\n{oops\n", kNow);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field(), "line 2");
  EXPECT_FALSE(ParseLogNdjson("\n\n", kNow));
}

}  // namespace
}  // namespace quell::ingest
