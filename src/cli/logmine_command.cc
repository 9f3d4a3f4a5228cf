// `quell logmine FILE [--format F] [--out templates.csv] [--structured lines.csv]`: mines log
// templates from a file and prints them with their counts, most frequent first. Without --format
// the header is learned from the file's first lines (HeaderProfile);
// `quell logmine --explain-header FILE` prints what was learned and stops.
#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/logmine/csv.h"
#include "analysis/logmine/line_splitter.h"
#include "analysis/logmine/template_miner.h"
#include "cli/commands.h"
#include "cli/id_spill.h"
#include "cli/line_stream.h"
#include "common/status.h"

namespace quell::cli {
namespace {

namespace lm = quell::analysis::logmine;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

Result<File> CreateFile(const std::string& path) {
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) return Error(Internal("cannot write " + path));
  return f;
}

Status Close(File f, const std::string& path) {
  const bool ok = std::ferror(f.get()) == 0 && std::fclose(f.release()) == 0;
  return ok ? Status::Ok() : Internal("cannot write " + path);
}

Status WriteTemplates(const std::vector<const lm::Cluster*>& clusters, const std::string& path) {
  QUELL_ASSIGN_OR_RETURN(File f, CreateFile(path));
  std::string csv = "EventId,EventTemplate,Occurrences\n";
  for (const lm::Cluster* c : clusters) {
    csv += "E" + std::to_string(c->id) + ",";
    lm::AppendCsvField(c->Template(), &csv);
    csv += "," + std::to_string(c->count) + "\n";
  }
  std::fwrite(csv.data(), 1, csv.size(), f.get());
  return Close(std::move(f), path);
}

// A line number in decimal, counted up in place: the structured CSV numbers every line, and
// converting each number anew cost more than the rest of its row.
class LineNumber {
 public:
  LineNumber() { digits_.fill('0'); }
  void Increment() {
    size_t i = digits_.size() - 1;
    while (digits_[i] == '9') digits_[i--] = '0';
    ++digits_[i];
    begin_ = std::min(begin_, i);
  }
  std::string_view text() const {
    return std::string_view(digits_.data() + begin_, digits_.size() - begin_);
  }

 private:
  std::array<char, 24> digits_{};  // a uint64_t has at most 20 digits
  size_t begin_ = digits_.size() - 1;
};

// Bytes of the structured CSV gathered before each write. Reserved once: a string left to grow
// doubled its way there through fresh pages, and a fresh page costs as much as hundreds of rows
// on this project's VMs (a page fault about 13 us).
constexpr size_t kStructuredBlock = 256 << 10;

// LineId,EventTemplate for every line, from the ids recorded while mining: each names its final
// template (merges resolved), escaped once per surviving cluster (keyed by the survivor, since
// far more clusters are created and absorbed on a long file than survive).
Status WriteStructured(const lm::TemplateMiner& miner, IdSpill& ids, const std::string& path) {
  QUELL_RETURN_IF_ERROR(ids.StartReading());
  QUELL_ASSIGN_OR_RETURN(File f, CreateFile(path));
  std::unordered_map<uint64_t, std::string> fields;
  // Recorded id -> its survivor's field. Ids are small consecutive numbers, so a vector indexed
  // by id saves two hash lookups per line.
  std::vector<const std::string*> field_of;
  std::string out;
  out.reserve(kStructuredBlock + (64 << 10));  // a row past the block grows it only when longer
  out = "LineId,EventTemplate\n";
  uint64_t id = 0;
  LineNumber line;
  while (ids.Next(&id)) {
    line.Increment();
    if (id >= field_of.size()) field_of.resize(id + 1, nullptr);
    const std::string*& field = field_of[id];
    if (field == nullptr) {
      const lm::Cluster* cluster = miner.Find(id);
      auto [it, fresh] = fields.try_emplace(cluster->id);
      if (fresh) {
        lm::AppendCsvField(cluster->Template(), &it->second);
        it->second.push_back('\n');
      }
      field = &it->second;
    }
    out.append(line.text());
    out.push_back(',');
    out.append(*field);
    if (out.size() >= kStructuredBlock) {
      std::fwrite(out.data(), 1, out.size(), f.get());
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), f.get());
  return Close(std::move(f), path);
}

// --explain-header: the detected header fields in order and one line split by them.
int ExplainHeader(const lm::LineSplitter& splitter, const std::vector<std::string>& head,
                  const LogmineOptions& options) {
  if (head.empty()) {
    std::printf("%s: no lines\n", options.file.c_str());
    return 0;
  }
  const lm::HeaderProfile& profile = splitter.profile();
  size_t example = 0;  // the first line that fits the profile (else the first line)
  if (!options.format.empty()) {
    std::printf("Header given by --format: %s\n", options.format.c_str());
  } else if (profile.found()) {
    const std::vector<lm::HeaderLayout> layouts = profile.Layouts();
    std::printf("Header learned from the first %zu lines of %s: %zu of them fit %s (the others "
                "are split line by line).\n",
                profile.sample_size(), options.file.c_str(), profile.sample_fitting(),
                layouts.size() == 1 ? "it" : "one of its layouts");
    if (layouts.size() > 1) {
      std::printf("The lines come in %zu header layouts (several programs in one file); each "
                  "line is split by the layout its leading fields fit.\n",
                  layouts.size());
    }
    for (size_t l = 0; l < layouts.size(); ++l) {
      if (layouts.size() > 1) {
        std::printf("Layout %zu (%zu lines of the sample):\n", l + 1, layouts[l].lines);
      }
      std::printf("  #  %-30s %6s  %s\n", "field", "share", "example");
      for (size_t k = 0; k < layouts[l].columns.size(); ++k) {
        const lm::HeaderColumn& c = layouts[l].columns[k];
        std::string kind(lm::HeaderKindName(c.kind));
        if (c.kind == lm::HeaderKind::kKeyValue) kind += " (key " + c.key + ")";
        if (c.share > 0) {
          std::printf("%3zu  %-30s %6.3f  %s\n", k + 1, kind.c_str(), c.share, c.example.c_str());
        } else {
          std::printf("%3zu  %-30s %6s  %s\n", k + 1, kind.c_str(), "", c.example.c_str());
        }
      }
    }
    std::printf("  (share: of the lines that reach a field, those whose token there has its "
                "shape; '-' stands for a missing value in any field)\n");
    size_t start = 0;
    while (example < head.size() && !profile.Fits(head[example], &start)) ++example;
    if (example == head.size()) example = 0;
  } else {
    std::printf("No header common to the first %zu lines of %s: each line's header is found on "
                "its own (leading timestamps, dates, levels, numbers, ids, bracketed names, '-' "
                "separators and a final 'component:' tag).\n",
                profile.sample_size(), options.file.c_str());
  }
  std::string_view line = head[example];
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const std::string_view message = splitter.Message(line);
  std::string_view header = line.substr(0, line.size() - message.size());
  if (message.data() != line.data() + header.size()) header = {};  // format did not fit
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
  std::printf("Example (line %zu):\n  header:  %.*s\n  message: %.*s\n", example + 1,
              static_cast<int>(header.size()), header.data(), static_cast<int>(message.size()),
              message.data());
  return 0;
}

}  // namespace

int RunLogmine(const LogmineOptions& options) {
  auto fail = [](const Status& s, int code) {
    std::fprintf(stderr, "quell logmine: %s\n", s.message().c_str());
    return code;
  };
  std::optional<lm::LineSplitter> splitter;
  if (!options.format.empty()) {
    auto created = lm::LineSplitter::Create(options.format);
    if (!created) return fail(created.error(), 2);
    splitter.emplace(std::move(*created));
  }
  auto input = LineStream::Open(options.file);
  if (!input) return fail(input.error(), 1);
  // Without --format the header is learned from the first lines, which are kept until then.
  lm::HeaderOptions header_options;
  std::vector<std::string> head;
  std::string_view line;
  if (!splitter || options.explain_header) {
    const size_t keep = splitter ? 1 : header_options.sample_lines;
    while (head.size() < keep && input->Next(&line)) head.emplace_back(line);
  }
  if (!splitter) {
    std::vector<std::string_view> sample(head.begin(), head.end());
    splitter.emplace(lm::LineSplitter::Detect(sample, header_options));
  }
  if (options.explain_header) {
    if (input->failed()) return fail(Internal("cannot read " + options.file), 1);
    return ExplainHeader(*splitter, head, options);
  }
  // Ids go to a temporary file, so memory does not grow with the input.
  std::optional<IdSpill> ids;
  if (!options.structured_csv.empty()) {
    auto spill = IdSpill::Create();
    if (!spill) return fail(spill.error(), 1);
    ids.emplace(std::move(*spill));
  }

  lm::TemplateMiner miner;
  // Each message is prepared (masked, hashed) a few lines ahead of its Add, so that the
  // signature-cache miss of one line overlaps the work on the next ones. Adds stay in order.
  constexpr size_t kAhead = 4;
  std::array<lm::PreparedMessage, kAhead> ahead;
  size_t lines = 0, added = 0, unfit = 0;
  auto add_oldest = [&] {
    const uint64_t id = miner.Add(ahead[added % kAhead]).cluster_id;
    if (ids) ids->Append(id);
    ++added;
  };
  auto add = [&](std::string_view text) {
    if (lines - added == kAhead) add_oldest();
    bool fits = true;
    miner.Prepare(splitter->Message(text, &fits), &ahead[lines % kAhead]);
    ++lines;
    unfit += fits ? 0 : 1;
  };
  for (const std::string& kept : head) add(kept);
  head.clear();
  head.shrink_to_fit();
  while (input->Next(&line)) add(line);
  if (input->failed()) return fail(Internal("cannot read " + options.file), 1);
  while (added < lines) add_oldest();

  // Final templates (clusters merged along the way resolve to their survivors).
  std::vector<const lm::Cluster*> clusters = miner.Clusters();
  std::sort(clusters.begin(), clusters.end(), [](const lm::Cluster* a, const lm::Cluster* b) {
    return a->count != b->count ? a->count > b->count : a->id < b->id;
  });
  for (const lm::Cluster* c : clusters) {
    std::printf("%8llu  E%llu  %s\n", static_cast<unsigned long long>(c->count),
                static_cast<unsigned long long>(c->id), c->Template().c_str());
  }
  std::fprintf(stderr, "quell logmine: %zu lines, %zu templates", lines, clusters.size());
  if (!options.format.empty()) std::fprintf(stderr, ", %zu lines did not fit --format", unfit);
  std::fprintf(stderr, "\n");

  if (!options.out_csv.empty()) {
    if (Status s = WriteTemplates(clusters, options.out_csv); !s.ok()) return fail(s, 1);
  }
  if (ids) {
    if (Status s = WriteStructured(miner, *ids, options.structured_csv); !s.ok()) {
      return fail(s, 1);
    }
  }
  return 0;
}

}  // namespace quell::cli
