#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <thread>

namespace quell::metrics {
namespace {

TEST(Registry, RendersCountersWithLabelsOncePerFamily) {
  Registry r;
  r.Counter("quell_x_total", "Things.", {{"source", "generic"}, {"outcome", "new"}}).Inc(3);
  r.Counter("quell_x_total", "Things.", {{"source", "generic"}, {"outcome", "dup"}}).Inc();
  std::string text = r.Render();
  EXPECT_EQ(text,
            "# HELP quell_x_total Things.\n"
            "# TYPE quell_x_total counter\n"
            "quell_x_total{source=\"generic\",outcome=\"dup\"} 1\n"
            "quell_x_total{source=\"generic\",outcome=\"new\"} 3\n");
}

TEST(Registry, HistogramBucketsAreCumulativeWithInfEqualToCount) {
  Registry r;
  auto& h = r.Histogram("quell_d_seconds", "Durations.", {0.001, 0.01, 0.1});
  h.Observe(0.0005);
  h.Observe(0.005);
  h.Observe(0.005);
  h.Observe(5);
  std::string text = r.Render();
  EXPECT_NE(text.find("quell_d_seconds_bucket{le=\"0.001\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("quell_d_seconds_bucket{le=\"0.01\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("quell_d_seconds_bucket{le=\"0.1\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("quell_d_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("quell_d_seconds_sum 5.0105\n"), std::string::npos) << text;
  EXPECT_NE(text.find("quell_d_seconds_count 4\n"), std::string::npos);
}

TEST(Registry, GaugeFunctionEvaluatedAtScrapeAndLabelValuesEscaped) {
  Registry r;
  double value = 1;
  r.GaugeFn("quell_open", "Open things.", [&] { return value; });
  r.Counter("quell_e_total", "Escapes.", {{"v", "a\"b\\c\nd"}}).Inc();
  value = 7;
  std::string text = r.Render();
  EXPECT_NE(text.find("quell_open 7\n"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(quell_e_total{v="a\"b\\c\nd"} 1)"), std::string::npos) << text;
}

TEST(Registry, ConcurrentIncrementsAreNotLost) {
  Registry r;
  auto& c = r.Counter("quell_c_total", "C.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.Inc();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Get(), 40000u);
}

}  // namespace
}  // namespace quell::metrics
