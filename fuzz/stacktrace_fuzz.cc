// Stack traces in free text (alert messages, Sentry payloads, log entries):
// analysis::stacktrace::ExtractStackTraces, which promises never to fail on arbitrary input.
#include "analysis/stacktrace/stack_trace.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace st = quell::analysis::stacktrace;
  const std::string_view text = quell::fuzz::AsText(data, size);
  for (const st::StackTrace& trace : st::ExtractStackTraces(text)) {
    FUZZ_CHECK(!trace.language.empty(), trace.exception_type);
    // The fingerprint is a pure function of the trace: recomputing it gives the same value.
    FUZZ_CHECK(st::StackFingerprint(trace) == trace.fingerprint, trace.fingerprint);
    for (const st::StackFrame& frame : trace.frames) FUZZ_CHECK(frame.line >= 0, frame.function);
  }
  return 0;
}
