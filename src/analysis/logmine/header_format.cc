#include "analysis/logmine/header_format.h"

#include <re2/re2.h>

namespace quell::analysis::logmine {
namespace {

// Builds the anchored regex. Fields become lazy groups, capturing only when `capture_all` or for
// <Content>; groups written in the literal fragments become non-capturing, so the captures are
// exactly the fields, in order. The whole is one group, so that a `|` in a literal fragment
// cannot take an alternative outside the anchors.
std::string BuildRegex(std::string_view format, bool capture_all,
                       std::vector<std::string>* names) {
  std::string regex = "^(?:";
  size_t i = 0;
  while (i < format.size()) {
    char c = format[i];
    if (c == '<') {
      size_t close = format.find('>', i + 1);
      std::string_view name =
          close == std::string_view::npos ? std::string_view() : format.substr(i + 1, close - i - 1);
      if (!name.empty() && name.find('<') == std::string_view::npos) {
        if (names != nullptr) names->emplace_back(name);
        if (capture_all || name == "Content") {
          regex += "(.*?)";
        } else {
          regex += "(?:.*?)";
        }
        i = close + 1;
        continue;
      }
    }
    if (c == ' ') {
      while (i < format.size() && format[i] == ' ') ++i;
      regex += "\\s+";
      continue;
    }
    if (c == '\\' && i + 1 < format.size()) {  // an escape: copy both characters
      regex.append(format.substr(i, 2));
      i += 2;
      continue;
    }
    if (c == '(' && (i + 1 >= format.size() || format[i + 1] != '?')) {
      regex += "(?:";
      ++i;
      continue;
    }
    regex.push_back(c);
    ++i;
  }
  regex += ")$";
  return regex;
}

}  // namespace

HeaderFormat::HeaderFormat(HeaderFormat&&) noexcept = default;
HeaderFormat& HeaderFormat::operator=(HeaderFormat&&) noexcept = default;
HeaderFormat::~HeaderFormat() = default;

Result<HeaderFormat> HeaderFormat::Parse(std::string_view format) {
  HeaderFormat f;
  std::string fast = BuildRegex(format, false, &f.field_names_);
  std::string full = BuildRegex(format, true, nullptr);
  bool has_content = false;
  for (const auto& name : f.field_names_) has_content |= name == "Content";
  if (!has_content) return Error(InvalidArgument("log format needs a <Content> field", "format"));
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(false);
  f.content_only_ = std::make_unique<re2::RE2>(fast, options);
  if (!f.content_only_->ok()) {
    return Error(InvalidArgument("bad log format regex: " + f.content_only_->error(), "format"));
  }
  // The header alone, for the fast path, when <Content> is the last thing in the format.
  static constexpr std::string_view kContent = "<Content>";
  if (format.size() >= kContent.size() &&
      format.substr(format.size() - kContent.size()) == kContent) {
    std::string header =
        BuildRegex(format.substr(0, format.size() - kContent.size()), false, nullptr);
    header.pop_back();  // the trailing '$'
    f.header_only_ = std::make_unique<re2::RE2>(header, options);
    if (!f.header_only_->ok()) f.header_only_.reset();
  }
  f.all_fields_ = std::make_unique<re2::RE2>(full, options);
  if (!f.all_fields_->ok()) {
    return Error(InvalidArgument("bad log format regex: " + f.all_fields_->error(), "format"));
  }
  return f;
}

bool HeaderFormat::ExtractContent(std::string_view line, std::string_view* content) const {
  if (header_only_ != nullptr) {
    // Fast path: when <Content> ends the format, the message is whatever follows the shortest
    // header match. Asking RE2 for the overall match only lets it use its DFA; the answer is the
    // same as with the full regex, because "(.*?)$" accepts any rest of a line.
    re2::StringPiece whole;
    if (line.find('\n') == std::string_view::npos &&
        header_only_->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(),
                            RE2::ANCHOR_START, &whole, 1)) {
      *content = line.substr(whole.size());
      return true;
    }
    return false;
  }
  re2::StringPiece group;
  // A format with alternatives may match a line without its <Content> group taking part (RE2
  // then gives no position): the format gives no message for that line.
  if (!RE2::FullMatch(re2::StringPiece(line.data(), line.size()), *content_only_, &group) ||
      group.data() == nullptr) {
    return false;
  }
  *content = std::string_view(group.data(), group.size());
  return true;
}

std::vector<std::pair<std::string, std::string_view>> HeaderFormat::Fields(
    std::string_view line) const {
  const int n = all_fields_->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> groups(static_cast<size_t>(n));
  std::vector<RE2::Arg> args(static_cast<size_t>(n));
  std::vector<const RE2::Arg*> arg_ptrs(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    args[static_cast<size_t>(i)] = &groups[static_cast<size_t>(i)];
    arg_ptrs[static_cast<size_t>(i)] = &args[static_cast<size_t>(i)];
  }
  std::vector<std::pair<std::string, std::string_view>> out;
  if (!RE2::FullMatchN(re2::StringPiece(line.data(), line.size()), *all_fields_, arg_ptrs.data(),
                       n)) {
    return out;
  }
  size_t field = 0;
  for (int i = 0; i < n && field < field_names_.size(); ++i) {
    out.emplace_back(field_names_[field++],
                     std::string_view(groups[static_cast<size_t>(i)].data(),
                                      groups[static_cast<size_t>(i)].size()));
  }
  return out;
}

}  // namespace quell::analysis::logmine
