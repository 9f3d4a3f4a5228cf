// Header detection for raw log lines when no format is given.
//
// Two levels:
//  * HeaderProfile learns, from the first lines of a file, which leading columns are header
//    fields. Every line is cut into whitespace tokens (a bracketed group with spaces, such as
//    "[RMCommunicator Allocator]" or "[10/Oct/2000:13:55:36 -0700]", is one token) and each token
//    gets a shape kind (number, time/date, month or weekday name, time zone, level, separator,
//    bracketed name, key=value, id with digits, word, "component:" tag, other). A column is header
//    when one family of shapes fills it in nearly every sample line (HeaderOptions::min_share):
//    constant-shape tokens (timestamps, levels, pids, bracketed names, ids) make header columns;
//    word columns (hosts, components, types) are header only when a constant-shape column or a
//    "component:" tag follows them; a "component:" column closes the header. When the lines
//    end before a column that is not header-shaped (one statement printed over and over), the
//    header stops at the last timestamp/level/bracketed/key=value/tag column and always leaves
//    a message on min_share of the lines. Nothing depends on the words of a particular system:
//    only on token shapes and their statistics per column.
//  * The plan: the shapes (token_shape.h) of the tokens the sample lines showed at each step of
//    the layout tree, the most frequent first. A line's token that has one of them there is
//    taken with the shape's kind, without being scanned and classified; any other token is cut
//    and classified as before. Exact: the kind of a token depends on its shape alone.
//  * DetectHeaderLength is the per-line fallback for files without one common header (several
//    programs interleaved) and for the lines that do not fit the learned profile.
// Pure functions and immutable objects; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/logmine/token_shape.h"

namespace quell::analysis::logmine {

// Per-line heuristic: the offset where the message of `line` starts (0 when no header is
// recognised).
size_t DetectHeaderLength(std::string_view line);

// The shape of one header token.
enum class HeaderKind : uint8_t {
  kNumber,     // 148, 1117838570 (epoch), -1
  kTime,       // 2015-10-18, 18:01:47,978, 2024-05-01T12:00:01.5+02:00, 1700000000.123, +0200
  kCalendar,   // Jun, Tue, June (month and weekday names)
  kZone,       // UTC, CEST, Z right after a time
  kLevel,      // INFO, warn, [ERROR], <Debug>, error:, single-letter V/D/I/W/E/F
  kSeparator,  // -, |, --, ::
  kBracketed,  // [main], (worker-1), <12>, [2024-01-01 10:00:00]
  kKeyValue,   // level=info, pid=7 (the key must be the same in the column)
  kId,         // node-246, dn228, R02-M1-N0-C:J12-U11, a token with digits
  kWord,       // combo, unix.hw, RAS, org.example.Server (no digits)
  kTag,        // org.a.B:, sshd[24200]:, crond(pam_unix)[2915]:, file.cc:12]
  kOther,      // anything else (quoted text, key="value with spaces")
  kCount
};
std::string_view HeaderKindName(HeaderKind kind);

// The kind of one token; `previous` is the kind of the token before it (kOther at the start).
HeaderKind ClassifyHeaderToken(std::string_view token, HeaderKind previous);

struct HeaderOptions {
  // Lines the profile is learned from (the first ones of the input).
  size_t sample_lines = 1000;
  // Share of sample lines a column's shape family must fill to be header.
  double min_share = 0.9;
  // A kind seen in at least this share of a header column's sample lines is accepted there when
  // splitting; a line with another kind in a header column falls back to the per-line heuristic.
  double accept_share = 0.005;
  // Most name columns (hosts, components, types: words or ids) in a row inside a header.
  int max_name_run = 2;
  // Columns examined; a header never has more.
  int max_columns = 16;
  // Lines of several programs in one file: where a column holds header shapes in min_share of
  // the lines but no shape family fills it, or a second shape holds at least branch_share of
  // them, the lines branch by shape (each branch needs min_branch_share of the sample) and each
  // branch learns its own layout, up to max_branch_depth branchings deep. Rarer shapes follow
  // the largest branch whose field accepts them.
  double branch_share = 0.25;
  double min_branch_share = 0.02;
  int max_branch_depth = 4;
  bool operator==(const HeaderOptions&) const = default;
};

// One header column of a learned profile.
struct HeaderColumn {
  HeaderKind kind = HeaderKind::kOther;  // the most frequent kind in the sample
  double share = 0;       // share of sample lines whose token here has the column's shape family
  uint32_t accepted = 0;  // bit (1 << kind) for every kind accepted here
  std::string key;        // key=value columns: the key
  std::string example;    // the token in the first sample line that fits
};

// One learned header layout: its columns in order and the sample lines that fit it.
struct HeaderLayout {
  std::vector<HeaderColumn> columns;
  size_t lines = 0;
};

// A header has at most this many columns.
inline constexpr int kMaxHeaderColumns = 32;

class HeaderProfile {
 public:
  HeaderProfile() = default;
  // Learns the header columns from sample lines (a trailing '\r' is ignored).
  static HeaderProfile Learn(std::span<const std::string_view> sample,
                             const HeaderOptions& options = {});

  // Offset where the message of `line` starts: after the header columns when the line fits the
  // profile; when all but a closing "component:" column fit, after a tag within the next two
  // tokens ("syslogd 1.4.1:") or else at that column; otherwise (or without a profile)
  // DetectHeaderLength.
  size_t MessageStart(std::string_view line) const;
  // Whether `line` fits the profile; sets *message_start when it does.
  bool Fits(std::string_view line, size_t* message_start) const;

  bool found() const { return !nodes_.empty(); }
  // The columns of the most common layout (the only one unless the sample mixes programs).
  const std::vector<HeaderColumn>& columns() const { return main_columns_; }
  // Every layout that sample lines fit, most common first.
  std::vector<HeaderLayout> Layouts() const;
  size_t sample_size() const { return sample_size_; }
  size_t sample_fitting() const { return sample_fitting_; }  // sample lines that fit

  // Token shapes in the plan, and this profile without them (every token cut and classified:
  // the general path alone, which tests compare with the plan).
  size_t plan_shapes() const { return plan_.size(); }
  HeaderProfile WithoutPlan() const;

 private:
  enum class Match { kNo, kPartial, kFits };
  // A node of the layout tree: columns from `start` that must fit; then either the header ends
  // (`header` columns in all) or the lines branch by the shape of column `split`.
  struct Node {
    int start = 0;
    std::vector<HeaderColumn> columns;
    int header = 0;
    int split = -1;
    std::array<int16_t, static_cast<size_t>(HeaderKind::kCount) + 1> child{};
    int parent = -1;
    size_t lines = 0;                   // sample lines that reached this node
    size_t fitting = 0;                 // sample lines whose header ends here
    std::vector<std::string> examples;  // header tokens of the first of them
    // Per token the node cuts (its columns from `start`, then `split`): the plan's shapes for
    // it, [first, second) in plan_. A child's first column is its parent's split token.
    std::vector<std::pair<uint32_t, uint32_t>> shapes;
  };
  // A token shape of the plan, from the end of the token before (its first `blanks` bytes are
  // the blanks between them), and the kind of its tokens (after a time or a number, or not: the
  // one thing besides the token that ClassifyHeaderToken looks at).
  struct PlannedShape {
    TokenShape shape;
    uint8_t blanks = 0;
    HeaderKind kind = HeaderKind::kOther;
    bool after_time = false;
  };
  struct Learner;
  class PlanLearner;
  Match MatchLine(std::string_view line, size_t* message_start, int* leaf) const;
  void LearnPlan(std::span<const std::string_view> sample);

  std::vector<Node> nodes_;  // [0] is the root
  std::vector<PlannedShape> plan_;
  std::vector<HeaderColumn> main_columns_;
  int max_tokens_ = 0;  // tokens to cut a line into before matching
  size_t sample_size_ = 0;
  size_t sample_fitting_ = 0;
};

}  // namespace quell::analysis::logmine
