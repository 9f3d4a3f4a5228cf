// `quell logmine FILE [--format F] [--out templates.csv] [--structured lines.csv]`: mines log
// templates from a file and prints them with their counts, most frequent first.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/logmine/csv.h"
#include "analysis/logmine/line_splitter.h"
#include "analysis/logmine/template_miner.h"
#include "cli/commands.h"
#include "common/status.h"

namespace quell::cli {
namespace {

namespace lm = quell::analysis::logmine;

Result<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(NotFound("cannot open " + path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Internal("cannot write " + path);
  out << data;
  out.close();
  if (!out) return Internal("cannot write " + path);
  return Status::Ok();
}

}  // namespace

int RunLogmine(const LogmineOptions& options) {
  auto splitter = lm::LineSplitter::Create(options.format);
  if (!splitter) {
    std::fprintf(stderr, "quell logmine: %s\n", splitter.error().message().c_str());
    return 2;
  }
  auto input = ReadInput(options.file);
  if (!input) {
    std::fprintf(stderr, "quell logmine: %s\n", input.error().message().c_str());
    return 1;
  }

  lm::TemplateMiner miner;
  std::vector<uint64_t> line_clusters;
  size_t unfit = 0;
  std::string_view text = *input;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    bool fits = true;
    std::string_view message = splitter->Message(text.substr(start, nl - start), &fits);
    line_clusters.push_back(miner.Add(message).cluster_id);
    unfit += fits ? 0 : 1;
    start = nl + 1;
  }

  // Final templates (clusters merged along the way resolve to their survivors).
  std::vector<const lm::Cluster*> clusters = miner.Clusters();
  std::sort(clusters.begin(), clusters.end(), [](const lm::Cluster* a, const lm::Cluster* b) {
    return a->count != b->count ? a->count > b->count : a->id < b->id;
  });
  for (const lm::Cluster* c : clusters) {
    std::printf("%8llu  E%llu  %s\n", static_cast<unsigned long long>(c->count),
                static_cast<unsigned long long>(c->id), c->Template().c_str());
  }
  std::fprintf(stderr, "quell logmine: %zu lines, %zu templates", line_clusters.size(),
               clusters.size());
  if (!options.format.empty()) std::fprintf(stderr, ", %zu lines did not fit --format", unfit);
  std::fprintf(stderr, "\n");

  if (!options.out_csv.empty()) {
    std::string csv = "EventId,EventTemplate,Occurrences\n";
    for (const lm::Cluster* c : clusters) {
      csv += "E" + std::to_string(c->id) + ",";
      lm::AppendCsvField(c->Template(), &csv);
      csv += "," + std::to_string(c->count) + "\n";
    }
    if (Status s = WriteFile(options.out_csv, csv); !s.ok()) {
      std::fprintf(stderr, "quell logmine: %s\n", s.message().c_str());
      return 1;
    }
  }
  if (!options.structured_csv.empty()) {
    std::string csv = "LineId,EventTemplate\n";
    for (size_t i = 0; i < line_clusters.size(); ++i) {
      csv += std::to_string(i + 1) + ",";
      lm::AppendCsvField(miner.Find(line_clusters[i])->Template(), &csv);
      csv += "\n";
    }
    if (Status s = WriteFile(options.structured_csv, csv); !s.ok()) {
      std::fprintf(stderr, "quell logmine: %s\n", s.message().c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace quell::cli
