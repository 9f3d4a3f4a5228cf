// HeaderFormat: splits raw log lines into header fields and the message, using the Loghub
// log-format syntax, e.g. "<Date> <Time> <Level> \[<Process>\] <Component>: <Content>".
//
// As in the Loghub tools: each <Field> becomes a lazy group, everything else is a literal regex
// fragment in which runs of spaces match one or more whitespace characters, and the whole
// pattern is anchored. The message is the <Content> field. Matching uses RE2 (linear time).
// Immutable after Parse; safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace re2 {
class RE2;
}

namespace quell::analysis::logmine {

class HeaderFormat {
 public:
  // Compiles a Loghub format. It must contain a <Content> field; the regex fragments must be
  // valid RE2 syntax.
  static Result<HeaderFormat> Parse(std::string_view format);

  HeaderFormat(HeaderFormat&&) noexcept;
  HeaderFormat& operator=(HeaderFormat&&) noexcept;
  ~HeaderFormat();

  // Sets *content to the message part of `line`; false when the line does not fit the format.
  bool ExtractContent(std::string_view line, std::string_view* content) const;

  // All fields of `line` as (name, value) in format order; empty when the line does not fit.
  std::vector<std::pair<std::string, std::string_view>> Fields(std::string_view line) const;

  const std::vector<std::string>& field_names() const { return field_names_; }

 private:
  HeaderFormat() = default;

  std::vector<std::string> field_names_;
  std::unique_ptr<re2::RE2> header_only_;   // the header without <Content>: the fast path
  std::unique_ptr<re2::RE2> content_only_;  // only <Content> captures
  std::unique_ptr<re2::RE2> all_fields_;
};

}  // namespace quell::analysis::logmine
