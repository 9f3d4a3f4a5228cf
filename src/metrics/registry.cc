#include "metrics/registry.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace quell::metrics {
namespace {

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// {a="1",b="2"} plus an optional extra pair (le for buckets).
std::string LabelText(const LabelPairs& labels, const char* extra_name = nullptr,
                      const std::string& extra_value = {}) {
  if (labels.empty() && !extra_name) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ",";
    first = false;
    out += k + "=\"" + EscapeLabelValue(v) + "\"";
  }
  if (extra_name) {
    if (!first) out += ",";
    out += std::string(extra_name) + "=\"" + extra_value + "\"";
  }
  return out + "}";
}

std::string FormatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  return fmt::format("{}", v);
}

}  // namespace

HistogramValue::HistogramValue(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void HistogramValue::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(std::llround(std::max(0.0, value) * 1e6)),
                        std::memory_order_relaxed);
}

std::vector<uint64_t> HistogramValue::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

double HistogramValue::Sum() const {
  return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
}

Registry::Family& Registry::GetFamily(const std::string& name, const std::string& type,
                                      const std::string& help) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.type = type;
    it->second.help = help;
  } else if (it->second.type != type) {
    // Registering one name with two types is a programming error.
    throw std::logic_error("metric " + name + " registered as " + it->second.type + " and " + type);
  }
  return it->second;
}

CounterValue& Registry::Counter(const std::string& name, const std::string& help,
                                const LabelPairs& labels) {
  std::lock_guard lock(mu_);
  auto& slot = GetFamily(name, "counter", help).counters[labels];
  if (!slot) slot = std::make_unique<CounterValue>();
  return *slot;
}

HistogramValue& Registry::Histogram(const std::string& name, const std::string& help,
                                    const std::vector<double>& bounds, const LabelPairs& labels) {
  std::lock_guard lock(mu_);
  auto& slot = GetFamily(name, "histogram", help).histograms[labels];
  if (!slot) slot = std::make_unique<HistogramValue>(bounds);
  return *slot;
}

void Registry::GaugeFn(const std::string& name, const std::string& help,
                       std::function<double()> fn) {
  std::lock_guard lock(mu_);
  GetFamily(name, "gauge", help).value_fn = std::move(fn);
}

void Registry::CounterFn(const std::string& name, const std::string& help,
                         std::function<double()> fn) {
  std::lock_guard lock(mu_);
  GetFamily(name, "counter", help).value_fn = std::move(fn);
}

std::string Registry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + EscapeHelp(family.help) + "\n";
    out += "# TYPE " + name + " " + family.type + "\n";
    for (const auto& [labels, counter] : family.counters)
      out += name + LabelText(labels) + " " + std::to_string(counter->Get()) + "\n";
    for (const auto& [labels, histogram] : family.histograms) {
      auto counts = histogram->CumulativeCounts();
      const auto& bounds = histogram->bounds();
      for (size_t i = 0; i < bounds.size(); ++i)
        out += name + "_bucket" + LabelText(labels, "le", FormatNumber(bounds[i])) + " " +
               std::to_string(counts[i]) + "\n";
      out += name + "_bucket" + LabelText(labels, "le", "+Inf") + " " +
             std::to_string(counts.back()) + "\n";
      out += name + "_sum" + LabelText(labels) + " " + FormatNumber(histogram->Sum()) + "\n";
      out += name + "_count" + LabelText(labels) + " " + std::to_string(counts.back()) + "\n";
    }
    if (family.value_fn) out += name + " " + FormatNumber(family.value_fn()) + "\n";
  }
  return out;
}

}  // namespace quell::metrics
