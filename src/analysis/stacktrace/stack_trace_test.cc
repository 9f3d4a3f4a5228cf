#include "analysis/stacktrace/stack_trace.h"

#include <gtest/gtest.h>

#include <random>

namespace quell::analysis::stacktrace {
namespace {

const char* kJava = R"(2026-11-24 05:12:02,123 ERROR [http-nio-8080-exec-3] c.a.CartController - Request failed
java.lang.IllegalStateException: pool exhausted
	at com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)
	at com.acme.cart.CartRepository.load(CartRepository.java:42)
	at com.acme.cart.CartService.total(CartService.java:17)
	at java.base/java.lang.Thread.run(Thread.java:833)
Caused by: java.sql.SQLTransientConnectionException: Connection is not available
	at com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)
	... 3 more)";

TEST(StackTraces, Java) {
  auto traces = ExtractStackTraces(kJava);
  ASSERT_EQ(traces.size(), 1u);
  const auto& t = traces[0];
  EXPECT_EQ(t.language, "java");
  EXPECT_EQ(t.exception_type, "java.lang.IllegalStateException");
  EXPECT_EQ(t.message, "pool exhausted");
  ASSERT_GE(t.frames.size(), 4u);
  EXPECT_EQ(t.frames[1].function, "com.acme.cart.CartRepository.load");
  EXPECT_EQ(t.frames[1].file, "CartRepository.java");
  EXPECT_EQ(t.frames[1].line, 42);
  EXPECT_TRUE(t.frames[1].in_app);
  EXPECT_FALSE(t.frames[0].in_app);  // com.zaxxer is a library
  EXPECT_EQ(t.caused_by, std::vector<std::string>{"java.sql.SQLTransientConnectionException"});
}

TEST(StackTraces, PythonChained) {
  auto traces = ExtractStackTraces(R"(Traceback (most recent call last):
  File "/app/checkout/db.py", line 19, in session
    conn = pool.get()
  File "/usr/local/lib/python3.11/site-packages/sqlalchemy/pool/base.py", line 1263, in checkout
    rec = pool._do_get()
TimeoutError: QueuePool limit of size 20 overflow 10 reached)");
  ASSERT_EQ(traces.size(), 1u);
  EXPECT_EQ(traces[0].language, "python");
  EXPECT_EQ(traces[0].exception_type, "TimeoutError");
  ASSERT_EQ(traces[0].frames.size(), 2u);
  EXPECT_EQ(traces[0].frames[0].function, "checkout");  // innermost first
  EXPECT_FALSE(traces[0].frames[0].in_app);
  EXPECT_TRUE(traces[0].frames[1].in_app);
}

TEST(StackTraces, GoPanicAndDump) {
  auto traces = ExtractStackTraces(R"(panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b3c]

goroutine 1 [running]:
main.(*Handler).ServeCart(0x0, {0x7f, 0x1})
	/app/handler.go:42 +0x1d
net/http.HandlerFunc.ServeHTTP(0xc000010000)
	/usr/local/go/src/net/http/server.go:2136 +0x29

goroutine 7 [IO wait]:
internal/poll.runtime_pollWait(0x7f, 0x72)
	/usr/local/go/src/runtime/netpoll.go:343 +0x85)");
  ASSERT_GE(traces.size(), 1u);
  EXPECT_EQ(traces[0].language, "go");
  EXPECT_EQ(traces[0].exception_type, "panic");
  ASSERT_GE(traces[0].frames.size(), 2u);
  EXPECT_EQ(traces[0].frames[0].file, "/app/handler.go");
  EXPECT_EQ(traces[0].frames[0].line, 42);
  EXPECT_TRUE(traces[0].frames[0].in_app);
  EXPECT_FALSE(traces[0].frames[1].in_app);
}

// Found by fuzz/stacktrace_fuzz: a Python traceback inside a goroutine dump left the dump open,
// so Go frames after the traceback made a trace with no language.
TEST(StackTraces, PythonTracebackEndsAGoroutineDump) {
  auto traces = ExtractStackTraces(
      "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:12 +0x1d\n"
      "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n"
      "ValueError: bad\nmain.handle()\n\t/app/server.go:88 +0x2c\n");
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0].language, "go");
  EXPECT_EQ(traces[1].language, "python");
  EXPECT_EQ(traces[1].exception_type, "ValueError");
}

TEST(StackTraces, NodeDotnetRubyCpp) {
  auto node = ExtractStackTraces(R"(TypeError: Cannot read properties of undefined (reading 'total')
    at CartService.total (/app/src/cart.js:10:5)
    at async Router.handle (/app/node_modules/express/lib/router.js:284:7))");
  ASSERT_EQ(node.size(), 1u);
  EXPECT_EQ(node[0].language, "node");
  EXPECT_EQ(node[0].exception_type, "TypeError");
  EXPECT_EQ(node[0].frames[0].function, "CartService.total");
  EXPECT_FALSE(node[0].frames[1].in_app);

  auto dotnet = ExtractStackTraces(R"(System.NullReferenceException: Object reference not set to an instance of an object.
   at Acme.Cart.CartService.Total(Cart cart) in C:\src\Cart\CartService.cs:line 42
   at System.Threading.Tasks.Task.Run())");
  ASSERT_EQ(dotnet.size(), 1u);
  EXPECT_EQ(dotnet[0].language, "dotnet");
  EXPECT_EQ(dotnet[0].exception_type, "System.NullReferenceException");
  EXPECT_EQ(dotnet[0].frames[0].line, 42);

  auto ruby = ExtractStackTraces(R"(app/models/cart.rb:10:in `total': undefined method `+' for nil:NilClass (NoMethodError)
	from app/controllers/carts_controller.rb:5:in `show'
	from /usr/local/bundle/gems/actionpack-7.0.4/lib/abstract_controller/base.rb:215:in `process_action')");
  ASSERT_EQ(ruby.size(), 1u);
  EXPECT_EQ(ruby[0].language, "ruby");
  EXPECT_EQ(ruby[0].exception_type, "NoMethodError");
  EXPECT_EQ(ruby[0].frames.size(), 3u);
  EXPECT_FALSE(ruby[0].frames[2].in_app);

  auto asan = ExtractStackTraces(R"(==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x4a2b3c
READ of size 4 at 0x602000000010 thread T0
    #0 0x4a2b3c in Cart::Total() /src/cart.cc:12:3
    #1 0x4a3d10 in main /src/main.cc:5:10
    #2 0x7f0 in __libc_start_main (/lib/x86_64-linux-gnu/libc.so.6+0x21b96))");
  ASSERT_EQ(asan.size(), 1u);
  EXPECT_EQ(asan[0].language, "cpp");
  EXPECT_EQ(asan[0].exception_type, "heap-use-after-free");
  ASSERT_GE(asan[0].frames.size(), 2u);
  EXPECT_EQ(asan[0].frames[0].file, "/src/cart.cc");
}

TEST(StackTraces, EmbeddedInJsonTwoTracesAndNone) {
  auto json = ExtractStackTraces(
      R"({"level":"error","msg":"boom","stack":"java.lang.IllegalStateException: x\n\tat com.acme.A.b(A.java:1)\n"})");
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0].frames[0].function, "com.acme.A.b");
  auto two = ExtractStackTraces(std::string(kJava) + "\nINFO ok\n" +
                                "TypeError: x is not a function\n    at run (/app/a.js:1:1)\n");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].language, "node");
  EXPECT_TRUE(ExtractStackTraces("all good\nnothing to see").empty());
}

TEST(StackTraces, FingerprintIgnoresLinesButNotCode) {
  auto a = ExtractStackTraces(kJava)[0];
  std::string moved = kJava;
  moved.replace(moved.find("CartRepository.java:42"), 22, "CartRepository.java:57");
  auto b = ExtractStackTraces(moved)[0];
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  std::string other = kJava;
  other.replace(other.find("CartService.total"), 17, "CartService.taxes");
  EXPECT_NE(a.fingerprint, ExtractStackTraces(other)[0].fingerprint);
  EXPECT_EQ(a.fingerprint.size(), 16u);
}

TEST(StackTraces, ArbitraryBytesNeverCrash) {
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::string junk(rng() % 500, ' ');
    for (auto& c : junk) c = static_cast<char>(rng() % 256);
    (void)ExtractStackTraces(junk);
    std::string truncated(kJava, rng() % std::string(kJava).size());
    (void)ExtractStackTraces(truncated);
  }
  SUCCEED();
}

}  // namespace
}  // namespace quell::analysis::stacktrace

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace quell::analysis::stacktrace {
namespace {

boost::json::value ToJson(const std::vector<StackTrace>& traces) {
  boost::json::array out;
  for (const auto& t : traces) {
    boost::json::array frames;
    for (const auto& f : t.frames)
      frames.push_back(boost::json::object{
          {"function", f.function}, {"file", f.file}, {"line", f.line}, {"in_app", f.in_app}});
    boost::json::array causes;
    for (const auto& c : t.caused_by) causes.emplace_back(c);
    out.push_back(boost::json::object{{"language", t.language},
                                      {"type", t.exception_type},
                                      {"message", t.message},
                                      {"frames", std::move(frames)},
                                      {"caused_by", std::move(causes)},
                                      {"fingerprint", t.fingerprint}});
  }
  return out;
}

TEST(StackTraceGolden, EveryFixtureParsesAsReviewed) {
  namespace fs = std::filesystem;
  const char* root = std::getenv("QUELL_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  const fs::path dir = fs::path(root) / "tests" / "testdata" / "stacktraces";
  const bool update = std::getenv("QUELL_UPDATE_GOLDEN") != nullptr;
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".txt") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto actual = ToJson(ExtractStackTraces(text.str()));
    fs::path golden = entry.path();
    golden.replace_extension(".expected.json");
    if (update) {
      std::ofstream(golden) << boost::json::serialize(actual) << "\n";
      continue;
    }
    std::ifstream g(golden);
    ASSERT_TRUE(g) << golden;
    std::stringstream expected;
    expected << g.rdbuf();
    EXPECT_EQ(actual, boost::json::parse(expected.str())) << entry.path().filename();
    ++compared;
  }
  if (!update) {
    EXPECT_GE(compared, 12);
  }
}

}  // namespace
}  // namespace quell::analysis::stacktrace
