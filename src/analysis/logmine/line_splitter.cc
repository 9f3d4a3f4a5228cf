#include "analysis/logmine/line_splitter.h"

#include "analysis/logmine/header_detector.h"

namespace quell::analysis::logmine {

Result<LineSplitter> LineSplitter::Create(std::string_view format) {
  if (format.empty()) return LineSplitter(std::nullopt);
  QUELL_ASSIGN_OR_RETURN(HeaderFormat parsed, HeaderFormat::Parse(format));
  return LineSplitter(std::move(parsed));
}

LineSplitter LineSplitter::Detect(std::span<const std::string_view> sample,
                                  const HeaderOptions& options) {
  LineSplitter splitter(std::nullopt);
  splitter.profile_ = HeaderProfile::Learn(sample, options);
  return splitter;
}

std::string_view LineSplitter::Message(std::string_view line, bool* fits) const {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (fits != nullptr) *fits = true;
  if (!format_) return line.substr(profile_.MessageStart(line));
  std::string_view content;
  if (format_->ExtractContent(line, &content)) return content;
  if (fits != nullptr) *fits = false;
  return line;
}

}  // namespace quell::analysis::logmine
