// Stack traces found in free text (alert messages, Sentry payloads, log entries, JSON strings):
// Java/Kotlin, Python, Go (panics, goroutine dumps), Node.js, .NET, Ruby and C++ (sanitizer
// reports, gdb backtraces, uncaught exceptions). Frames are innermost (where it failed) first
// for every language. A stack fingerprint — the exception type and the top in-app frames'
// functions and files, without line numbers, addresses or generated ids — groups the same crash
// across builds and hosts. Pure; never fails on arbitrary input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quell::analysis::stacktrace {

struct StackFrame {
  std::string function;
  std::string file;
  int line = 0;
  bool in_app = true;
};

struct StackTrace {
  std::string language;        // java | python | go | node | dotnet | ruby | cpp
  std::string exception_type;  // "java.lang.IllegalStateException", "panic", "heap-use-after-free"
  std::string message;
  std::vector<StackFrame> frames;  // innermost first
  std::vector<std::string> caused_by;  // exception types of the cause chain (Java, .NET, Python)
  std::string fingerprint;
};

std::vector<StackTrace> ExtractStackTraces(std::string_view text);

// Hex16(XXH3) of the type and the top 5 in-app frames (function and file base name), with
// line numbers, addresses, hex ids and generated names ($1, $$Lambda$12/0x..., <lambda_3>) removed.
std::string StackFingerprint(const StackTrace& trace);

}  // namespace quell::analysis::stacktrace
