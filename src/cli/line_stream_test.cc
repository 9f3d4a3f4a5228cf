#include "cli/line_stream.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace quell::cli {
namespace {

// The lines as LineStream promises them: split at '\n', a final line without one still counts.
std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/quell_line_stream_XXXXXX";
    const int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> ReadAll(LineStream& stream) {
  std::vector<std::string> lines;
  std::string_view line;
  while (stream.Next(&line)) lines.emplace_back(line);
  EXPECT_FALSE(stream.failed());
  EXPECT_FALSE(stream.Next(&line)) << "the end stays the end";
  return lines;
}

std::vector<std::string> ReadFile(const std::string& text, size_t block) {
  TempFile file(text);
  auto stream = LineStream::Open(file.path(), block);
  EXPECT_TRUE(stream) << stream.error().ToString();
  if (!stream) return {};
  return ReadAll(*stream);
}

TEST(LineStreamTest, SplitsAFileAtNewlinesOnly) {
  EXPECT_EQ(ReadFile("first\nsecond line\n\nfourth\r\n\tfifth\n", LineStream::kBlock),
            (std::vector<std::string>{"first", "second line", "", "fourth\r", "\tfifth"}));
}

TEST(LineStreamTest, AFinalLineWithoutNewlineStillCounts) {
  EXPECT_EQ(ReadFile("a\nlast", LineStream::kBlock), (std::vector<std::string>{"a", "last"}));
  EXPECT_EQ(ReadFile("only", LineStream::kBlock), (std::vector<std::string>{"only"}));
  EXPECT_EQ(ReadFile("\n", LineStream::kBlock), (std::vector<std::string>{""}));
  EXPECT_EQ(ReadFile("a\nlast", 4), (std::vector<std::string>{"a", "last"}));
}

TEST(LineStreamTest, AnEmptyFileHasNoLines) {
  EXPECT_TRUE(ReadFile("", LineStream::kBlock).empty());
  EXPECT_TRUE(ReadFile("", 1).empty());
}

// Blocks of 64 bytes: a '\n' just before, at and just after a block's last byte, and a line
// starting exactly at a block's first byte.
TEST(LineStreamTest, LinesCrossingBlockEdgesAreWhole) {
  constexpr size_t kSmall = 64;
  for (size_t first = kSmall - 3; first <= kSmall + 2; ++first) {
    for (bool trailing_newline : {true, false}) {
      std::string text = std::string(first, 'a') + "\n" + std::string(kSmall - 1, 'b') + "\n" +
                         std::string(2 * kSmall + 5, 'c') + "\n" + "tail";
      if (trailing_newline) text += "\n";
      SCOPED_TRACE("first line of " + std::to_string(first) + " bytes");
      EXPECT_EQ(ReadFile(text, kSmall), SplitLines(text));
    }
  }
}

TEST(LineStreamTest, ALineLongerThanSeveralBlocksIsWhole) {
  const std::string huge(10 * 64 + 17, 'x');
  const std::string text = "before\n" + huge + "\nafter";
  EXPECT_EQ(ReadFile(text, 64), (std::vector<std::string>{"before", huge, "after"}));
  EXPECT_EQ(ReadFile(huge, 64), (std::vector<std::string>{huge}));
}

// Random lines (empty ones, NUL bytes, lines longer than a block) in files read with blocks of
// 1 to 300 bytes give the same lines as splitting the text.
TEST(LineStreamTest, RandomFilesGiveTheSameLinesAsSplittingTheText) {
  std::mt19937 rng(18);
  auto uniform = [&](size_t low, size_t high) {
    return std::uniform_int_distribution<size_t>(low, high)(rng);
  };
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const size_t lines = uniform(0, 40);
    for (size_t i = 0; i < lines; ++i) {
      const size_t kind = uniform(0, 9);
      const size_t length = kind == 0 ? 0 : kind == 1 ? uniform(300, 1000) : uniform(1, 120);
      for (size_t k = 0; k < length; ++k) text.push_back(static_cast<char>(uniform(32, 126)));
      if (kind == 2) text.back() = '\0';
      if (i + 1 < lines || uniform(0, 1) == 0) text.push_back('\n');
    }
    const size_t block = uniform(1, 300);
    SCOPED_TRACE("round " + std::to_string(round) + ", block " + std::to_string(block));
    ASSERT_EQ(ReadFile(text, block), SplitLines(text));
  }
}

TEST(LineStreamTest, AMissingFileIsNotFound) {
  auto stream = LineStream::Open("/tmp/quell_no_such_dir/no_such.log");
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(stream.error().message(), "cannot open /tmp/quell_no_such_dir/no_such.log");
}

// "-" reads stdin: here a pipe, written by another thread in pieces larger than the pipe's
// buffer and than a block, so lines cross reads.
TEST(LineStreamTest, StdinIsReadFromAPipe) {
  std::string text;
  for (int i = 0; i < 40000; ++i) {
    text += "line " + std::to_string(i) + std::string(static_cast<size_t>(i % 97), '.') + "\n";
  }
  text += "no newline at the end";
  ASSERT_GT(text.size(), 2 * LineStream::kBlock);
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const int saved_stdin = dup(STDIN_FILENO);
  ASSERT_GE(saved_stdin, 0);
  ASSERT_EQ(dup2(pipe_fds[0], STDIN_FILENO), STDIN_FILENO);
  close(pipe_fds[0]);
  std::thread writer([&] {
    size_t written = 0;
    while (written < text.size()) {
      const ssize_t n = write(pipe_fds[1], text.data() + written, text.size() - written);
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    close(pipe_fds[1]);
  });
  std::vector<std::string> lines;
  {
    auto stream = LineStream::Open("-");
    EXPECT_TRUE(stream);
    if (stream) lines = ReadAll(*stream);
  }
  writer.join();
  EXPECT_GE(fcntl(STDIN_FILENO, F_GETFD), 0) << "stdin stays open";
  dup2(saved_stdin, STDIN_FILENO);
  close(saved_stdin);
  EXPECT_EQ(lines, SplitLines(text));
}

}  // namespace
}  // namespace quell::cli
