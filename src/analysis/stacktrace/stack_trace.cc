#include "analysis/stacktrace/stack_trace.h"

#include <re2/re2.h>

#include <algorithm>

#include "common/hash.h"

namespace quell::analysis::stacktrace {
namespace {

// Library frames by language: path or name fragments (data, not scattered ifs).
struct LibraryRule {
  const char* language;
  const char* fragment;
};
constexpr LibraryRule kLibrary[] = {
    {"java", "java."},        {"java", "javax."},        {"java", "sun."},
    {"java", "jdk."},         {"java", "kotlin."},       {"java", "org.springframework."},
    {"java", "io.netty."},    {"java", "org.apache."},   {"java", "com.zaxxer."},
    {"python", "site-packages"}, {"python", "dist-packages"}, {"python", "/lib/python"},
    {"go", "/usr/local/go/src"}, {"go", "runtime."},     {"go", "/pkg/mod/"},
    {"go", "vendor/"},        {"node", "node_modules"},  {"node", "node:internal"},
    {"dotnet", "System."},    {"dotnet", "Microsoft."},  {"ruby", "/gems/"},
    {"ruby", "/ruby/"},       {"cpp", "/usr/lib"},       {"cpp", "/lib/x86_64-linux-gnu"},
    {"cpp", "libc.so"},       {"cpp", "libstdc++"},      {"cpp", "compiler-rt"},
    {"cpp", "asan_"},         {"cpp", "__libc_start"},   {"cpp", "__interceptor"},
};

bool IsLibrary(const std::string& language, const StackFrame& f) {
  for (const auto& rule : kLibrary)
    if (language == rule.language &&
        (f.function.rfind(rule.fragment, 0) == 0 || f.file.find(rule.fragment) != std::string::npos))
      return true;
  return false;
}

std::string Unescape(std::string_view text) {
  // JSON-embedded traces: "\n", "\t" and "\"" arrive escaped.
  if (text.find("\\n") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      char c = text[i + 1];
      if (c == 'n') { out += '\n'; ++i; continue; }
      if (c == 't') { out += '\t'; ++i; continue; }
      if (c == '"' || c == '\\') { out += c; ++i; continue; }
    }
    out += text[i];
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
    start = end + 1;
  }
  return out;
}

int ToInt(const std::string& s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9' || v > 10'000'000) break;
    v = v * 10 + (c - '0');
  }
  return v;
}

void Finish(StackTrace& t, std::vector<StackTrace>& out) {
  if (t.frames.empty() && t.exception_type.empty()) return;
  for (auto& f : t.frames) f.in_app = !IsLibrary(t.language, f);
  t.fingerprint = StackFingerprint(t);
  out.push_back(std::move(t));
  t = StackTrace{};
}

}  // namespace

std::string StackFingerprint(const StackTrace& trace) {
  static const RE2 kGenerated(R"re((\$\$Lambda\$\d+/0x[0-9a-f]+|\$\d+|<lambda_\d+>|0x[0-9a-fA-F]+|\d+))re");
  std::string key = trace.language + "|" + trace.exception_type;
  int used = 0;
  for (const auto& f : trace.frames) {
    if (!f.in_app || used >= 5) continue;
    std::string function = f.function;
    RE2::GlobalReplace(&function, kGenerated, "");
    std::string file = f.file.substr(f.file.find_last_of("/\\") == std::string::npos
                                         ? 0
                                         : f.file.find_last_of("/\\") + 1);
    key += "|" + function + "@" + file;
    ++used;
  }
  return Hex16(Xxh3(key));
}

std::vector<StackTrace> ExtractStackTraces(std::string_view input) {
  static const RE2 kJavaHeader(R"re(^(?:.*?[\s"])?(?:Caused by: |Exception in thread "[^"]*" )?((?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable))(?::\s*(.*))?$)re");
  static const RE2 kJavaFrame(R"re(^\s*at ([\w$.<>/]+)\.([\w$<>-]+)\(([^:)]*)(?::(\d+))?\)\s*$)re");
  static const RE2 kPyStart(R"re(Traceback \(most recent call last\):)re");
  static const RE2 kPyFrame(R"re(^\s*File "([^"]+)", line (\d+), in (.+)$)re");
  static const RE2 kPyEnd(R"re(^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Fault)):?\s?(.*)$)re");
  static const RE2 kGoPanic(R"re(^panic: (.*)$)re");
  static const RE2 kGoFunc(R"re(^((?:[\w./-]+\.)?[\w.*()\[\]]+)\(.*\)$)re");
  static const RE2 kGoFile(R"re(^\s+(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$)re");
  static const RE2 kNodeHeader(R"re(^(?:Uncaught )?([A-Z]\w*(?:Error|Exception)): (.*)$)re");
  static const RE2 kNodeFrame(R"re(^\s+at (?:async )?(?:(.+?) \()?([^()\s]+?):(\d+):\d+\)?$)re");
  static const RE2 kDotnetHeader(R"re(^(?:Unhandled exception\. )?((?:[\w]+\.)+\w*Exception): (.*)$)re");
  static const RE2 kDotnetFrame(R"re(^\s+at ([\w.<>`\[\],+]+)\(.*?\)(?: in (.+):line (\d+))?$)re");
  static const RE2 kRubyFrame(R"re(^\s*(?:from )?(\S+\.rb):(\d+):in [`']([^']+)'(?:: (.*) \((\w+(?:::\w+)*)\))?$)re");
  static const RE2 kAsanHeader(R"re(==\d+==ERROR: (\w+Sanitizer): ([\w-]+)(.*)$)re");
  static const RE2 kCppFrame(R"re(^\s*#(\d+)\s+(?:0x[0-9a-fA-F]+ in )?(.+?)(?: \(.*\))? (?:at )?(/?[\w./+-]+\.(?:cc|cpp|cxx|c|h|hpp)):(\d+))re");
  static const RE2 kTerminate(R"re(terminate called after throwing an instance of '([^']+)')re");
  static const RE2 kWhat(R"re(^\s*what\(\):\s*(.*)$)re");

  const std::string text = Unescape(input);
  const auto lines = Lines(text);
  std::vector<StackTrace> out;
  StackTrace t;
  std::string a, b, c, d, e;
  bool python_open = false, go_open = false;
  std::string go_function;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.size() > 4096) continue;
    // --- Python: frames outermost first, the exception last.
    if (RE2::PartialMatch(line, kPyStart)) {
      Finish(t, out);
      t.language = "python";
      python_open = true;
      go_open = false;  // a goroutine dump it interrupts is over
      go_function.clear();
      continue;
    }
    if (python_open) {
      if (RE2::FullMatch(line, kPyFrame, &a, &b, &c)) {
        t.frames.insert(t.frames.begin(), StackFrame{c, a, ToInt(b), true});
        continue;
      }
      if (!line.empty() && line[0] != ' ' && RE2::FullMatch(line, kPyEnd, &a, &b)) {
        if (!t.exception_type.empty()) t.caused_by.push_back(t.exception_type);
        t.exception_type = a;
        t.message = b;
        python_open = false;
        // A chained exception keeps the chain: the next traceback continues this trace.
        Finish(t, out);
        continue;
      }
      continue;  // source lines
    }
    // --- Go panics and goroutine dumps.
    if (RE2::FullMatch(line, kGoPanic, &a)) {
      Finish(t, out);
      t.language = "go";
      t.exception_type = "panic";
      t.message = a;
      go_open = true;
      continue;
    }
    if (go_open || line.rfind("goroutine ", 0) == 0) {
      if (line.rfind("goroutine ", 0) == 0) {
        if (!go_open) {
          Finish(t, out);
          t.language = "go";
          t.exception_type = "goroutine dump";
          go_open = true;
        } else if (!t.frames.empty()) {
          // The next goroutine of a dump: only the first (failing) one is kept in detail.
          go_open = false;
          Finish(t, out);
        }
        continue;
      }
      if (RE2::FullMatch(line, kGoFile, &a, &b)) {
        if (!go_function.empty()) t.frames.push_back({go_function, a, ToInt(b), true});
        go_function.clear();
        continue;
      }
      if (RE2::FullMatch(line, kGoFunc, &a)) {
        go_function = a;
        continue;
      }
      if (line.rfind("created by ", 0) == 0) {
        go_function = line.substr(11);
        continue;
      }
      if (line.empty() || line.rfind("[signal ", 0) == 0) continue;
      go_open = false;
      Finish(t, out);
    }
    // --- C++: sanitizers, gdb, uncaught exceptions.
    if (RE2::PartialMatch(line, kAsanHeader, &a, &b, &c)) {
      Finish(t, out);
      t.language = "cpp";
      t.exception_type = b;
      t.message = a + ": " + b + c;
      continue;
    }
    if (RE2::PartialMatch(line, kTerminate, &a)) {
      Finish(t, out);
      t.language = "cpp";
      t.exception_type = a;
      if (i + 1 < lines.size() && RE2::FullMatch(lines[i + 1], kWhat, &b)) t.message = b;
      continue;
    }
    if (RE2::PartialMatch(line, kCppFrame, &a, &b, &c, &d)) {
      if (t.language != "cpp" || (a == "0" && !t.frames.empty())) {
        if (!(t.language == "cpp" && t.frames.empty())) {
          Finish(t, out);
          t.language = "cpp";
          t.exception_type = "crash";
        }
      }
      t.frames.push_back({b, c, ToInt(d), true});
      continue;
    }
    // --- Ruby.
    if (RE2::FullMatch(line, kRubyFrame, &a, &b, &c, &d, &e)) {
      if (t.language != "ruby") {
        Finish(t, out);
        t.language = "ruby";
      }
      if (!e.empty()) {
        t.exception_type = e;
        t.message = d;
      }
      t.frames.push_back({c, a, ToInt(b), true});
      continue;
    }
    // --- .NET (before Java: both say "at").
    if (RE2::FullMatch(line, kDotnetFrame, &a, &b, &c) && line.find(".java") == std::string::npos &&
        (t.language == "dotnet" || !b.empty())) {
      if (t.language != "dotnet") {
        Finish(t, out);
        t.language = "dotnet";
      }
      t.frames.push_back({a, b, ToInt(c), true});
      continue;
    }
    // --- Java / Kotlin.
    if (RE2::FullMatch(line, kJavaFrame, &a, &b, &c, &d) && c.find('/') == std::string::npos) {
      if (t.language != "java") {
        Finish(t, out);
        t.language = "java";
      }
      // Frames after "Caused by:" belong to the cause; the trace keeps the top exception's.
      if (t.caused_by.empty()) t.frames.push_back({a + "." + b, c, ToInt(d), true});
      continue;
    }
    if (line.find("... ") != std::string::npos && line.find(" more") != std::string::npos) continue;
    // --- Node.js frames.
    if (RE2::FullMatch(line, kNodeFrame, &a, &b, &c)) {
      if (t.language != "node") {
        std::string type = t.exception_type, message = t.message;
        bool pending_header = t.language == "pending";
        if (!pending_header) Finish(t, out);
        t = StackTrace{};
        t.language = "node";
        if (pending_header) {
          t.exception_type = type;
          t.message = message;
        }
      }
      t.frames.push_back({a.empty() ? "<anonymous>" : a, b, ToInt(c), true});
      continue;
    }
    // --- Exception headers.
    if (RE2::FullMatch(line, kDotnetHeader, &a, &b) && line.find("---> ") == std::string::npos &&
        i + 1 < lines.size() && RE2::FullMatch(lines[i + 1], kDotnetFrame, &c, &d, &e) &&
        !d.empty()) {
      Finish(t, out);
      t.language = "dotnet";
      t.exception_type = a;
      t.message = b;
      continue;
    }
    if (line.find("---> ") != std::string::npos && t.language == "dotnet") {
      if (RE2::PartialMatch(line, R"re(---> ((?:\w+\.)+\w*Exception))re", &a)) t.caused_by.push_back(a);
      continue;
    }
    if (RE2::FullMatch(line, kJavaHeader, &a, &b)) {
      if (line.find("Caused by: ") != std::string::npos && t.language == "java") {
        t.caused_by.push_back(a);
        continue;
      }
      Finish(t, out);
      t.language = "java";
      t.exception_type = a;
      t.message = b;
      continue;
    }
    if (RE2::FullMatch(line, kNodeHeader, &a, &b)) {
      Finish(t, out);
      t.language = "pending";  // a Node header until its frames say otherwise
      t.exception_type = a;
      t.message = b;
      continue;
    }
  }
  if (t.language == "pending") t = StackTrace{};
  Finish(t, out);
  return out;
}

}  // namespace quell::analysis::stacktrace
