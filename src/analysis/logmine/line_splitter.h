// LineSplitter: raw log line -> message, with a Loghub format when one is given and header
// detection otherwise. Lines that do not fit the format keep their whole text as the message
// (and are counted), so no input line is lost. Immutable after Create; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "analysis/logmine/header_detector.h"
#include "analysis/logmine/header_format.h"
#include "common/status.h"

namespace quell::analysis::logmine {

class LineSplitter {
 public:
  // `format` in Loghub syntax; empty selects per-line header detection (DetectHeaderLength).
  static Result<LineSplitter> Create(std::string_view format);
  // Header detection with a profile learned from `sample` (the first lines of the input; see
  // HeaderProfile): what `quell logmine` does without --format.
  static LineSplitter Detect(std::span<const std::string_view> sample,
                             const HeaderOptions& options = {});

  // The message part of `line` (a view into it). Sets *fits to whether the format matched
  // (always true with detection).
  std::string_view Message(std::string_view line, bool* fits = nullptr) const;

  // The learned header profile (empty with a format or per-line detection).
  const HeaderProfile& profile() const { return profile_; }

 private:
  explicit LineSplitter(std::optional<HeaderFormat> format) : format_(std::move(format)) {}
  std::optional<HeaderFormat> format_;
  HeaderProfile profile_;
};

}  // namespace quell::analysis::logmine
