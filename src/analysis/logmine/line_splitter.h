// LineSplitter: raw log line -> message, with a Loghub format when one is given and header
// detection otherwise. Lines that do not fit the format keep their whole text as the message
// (and are counted), so no input line is lost. Immutable after Create; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "analysis/logmine/header_format.h"
#include "common/status.h"

namespace quell::analysis::logmine {

class LineSplitter {
 public:
  // `format` in Loghub syntax; empty selects header detection.
  static Result<LineSplitter> Create(std::string_view format);

  // The message part of `line` (a view into it). Sets *fits to whether the format matched
  // (always true with detection).
  std::string_view Message(std::string_view line, bool* fits = nullptr) const;

 private:
  explicit LineSplitter(std::optional<HeaderFormat> format) : format_(std::move(format)) {}
  std::optional<HeaderFormat> format_;
};

}  // namespace quell::analysis::logmine
