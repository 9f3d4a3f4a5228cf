// Header detection for raw log lines (what `quell logmine` and log mining do without a format).
// The first byte picks:
//  even: the per-line heuristic (DetectHeaderLength, ClassifyHeaderToken) and a HeaderProfile
//        learned from the lines (options from the second byte), whose MessageStart and Fits must
//        stay inside each line; LineSplitter::Detect must give a view into the line;
//  odd:  a Loghub format (the first line) compiled by LineSplitter::Create / HeaderFormat::Parse
//        and applied to the other lines.
#include <span>

#include "analysis/logmine/header_detector.h"
#include "analysis/logmine/header_format.h"
#include "analysis/logmine/line_splitter.h"
#include "fuzz_support.h"

namespace lm = quell::analysis::logmine;

namespace {

void CheckInside(std::string_view line, std::string_view message) {
  FUZZ_CHECK(message.data() >= line.data() &&
                 message.data() + message.size() <= line.data() + line.size(),
             std::string(line));
}

void Detect(uint8_t flags, std::string_view text) {
  const std::vector<std::string_view> lines = quell::fuzz::Lines(text);
  lm::HeaderKind previous = lm::HeaderKind::kOther;
  for (std::string_view line : lines) {
    FUZZ_CHECK(lm::DetectHeaderLength(line) <= line.size(), std::string(line));
    const size_t space = line.find(' ');
    previous = lm::ClassifyHeaderToken(line.substr(0, space), previous);
    FUZZ_CHECK(previous < lm::HeaderKind::kCount, std::string(line));
  }
  lm::HeaderOptions options;
  options.sample_lines = 1 + (flags & 7) * 8;
  options.min_share = (flags & 8) ? 0.6 : 0.9;
  options.max_branch_depth = (flags & 16) ? 1 : 4;
  options.max_columns = (flags & 32) ? 4 : 16;
  const size_t n = std::min(lines.size(), options.sample_lines);
  const std::span<const std::string_view> sample(lines.data(), n);
  const lm::HeaderProfile profile = lm::HeaderProfile::Learn(sample, options);
  FUZZ_CHECK(profile.sample_fitting() <= profile.sample_size(), "fitting");
  FUZZ_CHECK(profile.columns().size() <= static_cast<size_t>(lm::kMaxHeaderColumns), "columns");
  for (const auto& layout : profile.Layouts())
    FUZZ_CHECK(layout.columns.size() <= static_cast<size_t>(lm::kMaxHeaderColumns), "layout");
  const lm::LineSplitter splitter = lm::LineSplitter::Detect(sample, options);
  for (std::string_view line : lines) {
    FUZZ_CHECK(profile.MessageStart(line) <= line.size(), std::string(line));
    size_t start = 0;
    if (profile.Fits(line, &start)) FUZZ_CHECK(start <= line.size(), std::string(line));
    CheckInside(line, splitter.Message(line));
  }
}

void Format(std::string_view text) {
  const std::vector<std::string_view> lines = quell::fuzz::Lines(text);
  if (lines.empty()) return;
  auto splitter = lm::LineSplitter::Create(lines[0]);
  auto format = lm::HeaderFormat::Parse(lines[0]);
  if (!splitter || !format) return;
  for (size_t i = 1; i < lines.size(); ++i) {
    bool fits = false;
    CheckInside(lines[i], splitter->Message(lines[i], &fits));
    std::string_view content;
    if (format->ExtractContent(lines[i], &content)) CheckInside(lines[i], content);
    const auto fields = format->Fields(lines[i]);
    if (!fields.empty()) FUZZ_CHECK(fields.size() == format->field_names().size(), std::string(lines[i]));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view rest = quell::fuzz::AsText(data + 2, size - 2);
  if ((data[0] & 1) == 0)
    Detect(data[1], rest);
  else
    Format(quell::fuzz::AsText(data + 1, size - 1));
  return 0;
}
