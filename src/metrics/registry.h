// A small Prometheus registry: counters, gauges and histograms with fixed label values, and
// gauges computed at scrape time. Render() writes text format 0.0.4.
//
// Getting a series (Counter(...), Histogram(...)) takes a lock and returns a reference that stays
// valid for the registry's life: callers on hot paths look it up once and keep it. Updating a
// series is lock-free (atomics). Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace quell::metrics {

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

class CounterValue {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class HistogramValue {
 public:
  explicit HistogramValue(std::vector<double> bounds);
  void Observe(double value);
  // Cumulative counts per bound (then +Inf), the sum and the count.
  std::vector<uint64_t> CumulativeCounts() const;
  double Sum() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1 (the last is +Inf)
  std::atomic<uint64_t> sum_micros_{0};               // sum in millionths, lock-free
};

class Registry {
 public:
  // A counter series; `name` must end in _total.
  CounterValue& Counter(const std::string& name, const std::string& help,
                        const LabelPairs& labels = {});
  // A histogram series with ascending bucket upper bounds (the +Inf bucket is implicit).
  HistogramValue& Histogram(const std::string& name, const std::string& help,
                            const std::vector<double>& bounds, const LabelPairs& labels = {});
  // A gauge whose value is computed when scraped.
  void GaugeFn(const std::string& name, const std::string& help, std::function<double()> fn);
  // A counter kept elsewhere (e.g. by the Engine), read when scraped; `name` ends in _total.
  void CounterFn(const std::string& name, const std::string& help, std::function<double()> fn);

  // Text exposition format 0.0.4: HELP and TYPE once per family, then its samples.
  std::string Render() const;

  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  struct Family {
    std::string type;  // counter | gauge | histogram
    std::string help;
    std::map<LabelPairs, std::unique_ptr<CounterValue>> counters;
    std::map<LabelPairs, std::unique_ptr<HistogramValue>> histograms;
    std::function<double()> value_fn;  // GaugeFn / CounterFn
  };
  Family& GetFamily(const std::string& name, const std::string& type, const std::string& help);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

}  // namespace quell::metrics
