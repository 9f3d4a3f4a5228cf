// The log template miner. The first byte picks:
//  0: messages mined by a TemplateMiner (options from the second byte, small caps so eviction,
//     merging and the signature cache's reset run); each learned message must match a template
//     and the state must round-trip through Serialize/Deserialize;
//  1: TemplateMiner::Deserialize of arbitrary saved state (the store keeps it per service);
//  2: ServiceLogMiner::LoadState of arbitrary state, then lines, reports and SaveState;
//  3: CSV (`quell logmine` reads Loghub CSV files), which must round-trip through AppendCsvField.
#include <fuzzer/FuzzedDataProvider.h>

#include "analysis/logmine/csv.h"
#include "analysis/logmine/service_log_miner.h"
#include "analysis/logmine/template_miner.h"
#include "analysis/logmine/token_masker.h"
#include "fuzz_support.h"

namespace lm = quell::analysis::logmine;

namespace {

void CheckRoundTrip(const lm::TemplateMiner& miner) {
  const std::string saved = miner.Serialize();
  auto restored = lm::TemplateMiner::Deserialize(saved);
  FUZZ_CHECK(restored.has_value(), restored.error().ToString() + " for " + saved);
  FUZZ_CHECK(restored->cluster_count() == miner.cluster_count(), saved);
  // The same clusters (the text itself is not canonical: merges are saved in hash-map order).
  for (const lm::Cluster* cluster : miner.Clusters()) {
    const lm::Cluster* back = restored->Find(cluster->id);
    FUZZ_CHECK(back != nullptr && back->tokens == cluster->tokens && back->count == cluster->count,
               saved);
  }
}

void Mine(uint8_t flags, std::string_view text) {
  lm::MinerOptions options;
  options.max_clusters = (flags & 1) ? 8 : 0;
  options.max_signatures = (flags & 2) ? 4 : 1000;
  options.key_plain_words_only = flags & 4;
  options.merge_across_tree = flags & 8;
  options.merge_max_positions = (flags & 16) ? 1 : 2;
  options.mask.mask_named_endpoints = flags & 32;
  options.depth = 3 + (flags >> 6);
  lm::TemplateMiner miner(options);
  lm::MaskedTokens masked;
  for (std::string_view line : quell::fuzz::Lines(text)) {
    lm::MaskTokens(line, &masked, options.mask);
    const lm::AddResult added = miner.Add(line);
    const lm::Cluster* cluster = miner.Find(added.cluster_id);
    FUZZ_CHECK(cluster != nullptr, std::string(line));
    FUZZ_CHECK(miner.Match(line).has_value(), std::string(line));
  }
  if (options.max_clusters) FUZZ_CHECK(miner.cluster_count() <= options.max_clusters, "cap");
  CheckRoundTrip(miner);
}

void ServiceMiner(FuzzedDataProvider& in) {
  lm::ServiceMinerOptions options;
  options.miner.max_clusters = 16;
  options.retention_buckets = 8;
  options.learn = in.ConsumeBool();
  auto loaded = lm::ServiceLogMiner::LoadState(in.ConsumeRandomLengthString(2048), options);
  lm::ServiceLogMiner miner = loaded ? std::move(*loaded) : lm::ServiceLogMiner(options);
  quell::TimeMs t = in.ConsumeIntegralInRange<quell::TimeMs>(0, 4'000'000'000'000);
  miner.MarkBaseline(t + in.ConsumeIntegralInRange<quell::TimeMs>(0, 600'000));
  while (in.remaining_bytes() > 0) {
    t += in.ConsumeIntegralInRange<quell::TimeMs>(0, 300'000);
    miner.Add(in.ConsumeRandomLengthString(200), t);
  }
  const auto reports = miner.Report(t - 3'600'000, t + 1);
  for (const auto& report : reports) {
    FUZZ_CHECK(report.window_series.size() == lm::TemplateReport::kSeriesSlices ||
                   report.window_series.empty(),
               report.text);
    FUZZ_CHECK(report.samples.size() <= options.samples_per_template, report.text);
  }
  // Saved and loaded, it reports the same (the statistics are saved in hash-map order).
  const std::string saved = miner.SaveState();
  auto again = lm::ServiceLogMiner::LoadState(saved, options);
  FUZZ_CHECK(again.has_value(), again.error().ToString() + " for " + saved);
  FUZZ_CHECK(again->miner().cluster_count() == miner.miner().cluster_count(), saved);
  const auto reports_again = again->Report(t - 3'600'000, t + 1);
  FUZZ_CHECK(reports_again.size() == reports.size(), saved);
  for (size_t i = 0; i < reports.size(); ++i)
    FUZZ_CHECK(reports_again[i].template_id == reports[i].template_id &&
                   reports_again[i].total_count == reports[i].total_count &&
                   reports_again[i].window_count == reports[i].window_count &&
                   reports_again[i].samples == reports[i].samples,
               saved);
}

void Csv(std::string_view text) {
  auto rows = lm::ParseCsv(text);
  if (!rows) return;
  std::string written;
  for (const auto& row : *rows) {
    // The reader skips blank lines, so a row of one empty field is written quoted.
    if (row.size() == 1 && row[0].empty()) {
      written += "\"\"\n";
      continue;
    }
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) written += ',';
      lm::AppendCsvField(row[i], &written);
    }
    written += '\n';
  }
  auto again = lm::ParseCsv(written);
  FUZZ_CHECK(again.has_value(), written);
  FUZZ_CHECK(*again == *rows, written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view rest = quell::fuzz::AsText(data + 2, size - 2);
  switch (data[0] % 4) {
    case 0: Mine(data[1], rest); break;
    case 1: {
      auto miner = lm::TemplateMiner::Deserialize(quell::fuzz::AsText(data + 1, size - 1));
      if (miner) {
        for (std::string_view line : quell::fuzz::Lines(rest)) miner->Add(line);
        CheckRoundTrip(*miner);
      }
      break;
    }
    case 2: {
      FuzzedDataProvider in(data + 1, size - 1);
      ServiceMiner(in);
      break;
    }
    default: Csv(quell::fuzz::AsText(data + 1, size - 1));
  }
  return 0;
}
