// Tests of the Beast HttpServer over loopback: keep-alive, asynchronous answers, limits,
// malformed input, disconnects, concurrency and shutdown. Every server binds 127.0.0.1:0.
// Nothing sleeps to wait for an event: tests poll with a deadline.
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/url.h"

namespace quell::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kDeadline = 10s;

// Polls `done` until it holds or the deadline passes.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds deadline = kDeadline) {
  const auto until = Clock::now() + deadline;
  while (Clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

// A handler that echoes synchronously, or parks requests for the test to answer later.
class TestHandler final : public Handler {
 public:
  struct Parked {
    HttpRequest request;
    Responder respond;
  };

  void Handle(HttpRequest request, Responder respond) override {
    ++calls_;
    if (request.path.starts_with("/park")) {
      std::lock_guard lock(mu_);
      parked_.push_back({std::move(request), std::move(respond)});
      return;
    }
    if (request.path == "/drop") return;  // never answers: the server answers 500
    if (request.path == "/throw") throw std::runtime_error("handler bug");
    HttpResponse response;
    response.content_type = "text/plain";
    response.body = request.method + " " + request.path + " " + request.body;
    response.headers.emplace_back("X-Query-A", request.Query("a"));
    respond(std::move(response));
  }

  std::unique_ptr<BodyStream> OpenStream(const HttpRequest& head) override;

  // /private needs an Authorization header; /small takes 16 bytes of body at most.
  Admission Admit(const HttpRequest& head) override {
    ++admits_;
    Admission admission;
    if (head.path.starts_with("/private") && head.Header("authorization").empty())
      admission.refusal = HttpResponse{
          401, "application/json",
          R"({"error":{"code":"unauthenticated","message":"no","field":"authorization"}})", {}};
    if (head.path == "/small") admission.max_body_bytes = 16;
    return admission;
  }
  int admits() const { return admits_.load(); }

  // Waits for a parked request and takes it.
  std::optional<Parked> TakeParked() {
    std::optional<Parked> out;
    WaitUntil([&] {
      std::lock_guard lock(mu_);
      if (parked_.empty()) return false;
      out = std::move(parked_.front());
      parked_.pop_front();
      return true;
    });
    return out;
  }
  int calls() const { return calls_.load(); }

  std::atomic<int> stream_pieces{0};

 private:
  std::mutex mu_;
  std::deque<Parked> parked_;
  std::atomic<int> calls_{0};
  std::atomic<int> admits_{0};
};

// Counts the bytes of a streamed body and answers with the count.
class CountingStream final : public BodyStream {
 public:
  explicit CountingStream(std::atomic<int>& pieces) : pieces_(pieces) {}
  std::optional<HttpResponse> Feed(std::string_view piece) override {
    ++pieces_;
    bytes_ += piece.size();
    return std::nullopt;
  }
  void Finish(Responder respond) override {
    respond(HttpResponse{200, "text/plain", "streamed " + std::to_string(bytes_), {}});
  }

 private:
  std::atomic<int>& pieces_;
  size_t bytes_ = 0;
};

std::unique_ptr<BodyStream> TestHandler::OpenStream(const HttpRequest& head) {
  if (head.path != "/stream") return nullptr;
  return std::make_unique<CountingStream>(stream_pieces);
}

// A raw loopback connection, for what an HTTP client library would not send.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // False if the peer has closed or reset the connection.
  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads until `done(received)` holds, the peer closes, or the deadline passes.
  std::string ReadUntil(const std::function<bool(const std::string&)>& done) {
    const auto until = Clock::now() + kDeadline;
    while (!done(received_) && !eof_ && Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        eof_ = true;
        break;
      }
      received_.append(buf, static_cast<size_t>(n));
    }
    return received_;
  }
  // One complete response (status line, headers, Content-Length body), removed from the input.
  std::string ReadResponse() {
    auto complete = [](const std::string& s) -> size_t {
      size_t end = s.find("\r\n\r\n");
      if (end == std::string::npos) return 0;
      size_t length = 0;
      size_t at = s.find("Content-Length: ");
      if (at != std::string::npos && at < end) length = std::stoul(s.substr(at + 16));
      return s.size() >= end + 4 + length ? end + 4 + length : 0;
    };
    ReadUntil([&](const std::string& s) { return complete(s) != 0; });
    size_t n = complete(received_);
    std::string out = received_.substr(0, n);
    received_.erase(0, n);
    return out;
  }
  // The bytes received so far (not removed).
  const std::string& received() const { return received_; }
  // True once the server has closed the connection.
  bool WaitForClose() {
    ReadUntil([](const std::string&) { return false; });
    return eof_;
  }

 private:
  int fd_;
  bool connected_ = false;
  bool eof_ = false;
  std::string received_;
};

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = NewHttpServer(options, handler_);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_NE(server_->port(), 0);
  }
  httplib::Client Client() {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_keep_alive(true);
    client.set_read_timeout(10, 0);
    return client;
  }
  std::string Get(std::string_view target) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }

  TestHandler handler_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartServer();
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(conn.Send("POST /echo?a=" + std::to_string(i) +
                          " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
    std::string response = conn.ReadResponse();
    EXPECT_NE(response.find("HTTP/1.1 200 OK"), std::string::npos) << response;
    EXPECT_NE(response.find("Content-Length: 16\r\n"), std::string::npos) << response;
    EXPECT_NE(response.find("X-Query-A: " + std::to_string(i)), std::string::npos);
    EXPECT_EQ(response.find("Connection: close"), std::string::npos);
    EXPECT_NE(response.find("POST /echo hello"), std::string::npos);
  }
  EXPECT_EQ(handler_.calls(), 3);
}

TEST_F(ServerTest, HandlerSeesDecodedPathQueryLowerCaseHeadersAndRemoteAddress) {
  StartServer();
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.Send(
      "GET /park/a%20b?x=1&y=two+words&z=%2F HTTP/1.1\r\nHost: x\r\nX-Trace-ID: abc\r\n\r\n"));
  auto parked = handler_.TakeParked();
  ASSERT_TRUE(parked);
  const HttpRequest& r = parked->request;
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/park/a%20b?x=1&y=two+words&z=%2F");
  EXPECT_EQ(r.path, "/park/a b");
  ASSERT_EQ(r.query.size(), 3u);
  EXPECT_EQ(r.Query("y"), "two words");
  EXPECT_EQ(r.Query("z"), "/");
  EXPECT_EQ(r.Query("missing"), "");
  EXPECT_EQ(r.Header("x-trace-id"), "abc");
  EXPECT_EQ(r.Header("host"), "x");
  EXPECT_EQ(r.remote_address, "127.0.0.1");
  parked->respond(HttpResponse{204, "text/plain", "", {}});
  EXPECT_NE(conn.ReadResponse().find("HTTP/1.1 204"), std::string::npos);
}

TEST_F(ServerTest, ResponderCalledLaterFromAnotherThreadAnswersAndNextRequestWaitsForIt) {
  StartServer();
  RawConnection conn(server_->port());
  // Two requests at once: the second must not be read until the first is answered.
  ASSERT_TRUE(conn.Send(Get("/park") + Get("/echo")));
  auto parked = handler_.TakeParked();
  ASSERT_TRUE(parked);
  EXPECT_EQ(handler_.calls(), 1);
  std::thread answerer([respond = std::move(parked->respond)] {
    respond(HttpResponse{202, "application/json", R"({"late":true})", {{"X-Extra", "1"}}});
  });
  answerer.join();
  std::string first = conn.ReadResponse();
  EXPECT_NE(first.find("HTTP/1.1 202 Accepted"), std::string::npos) << first;
  EXPECT_NE(first.find("Content-Type: application/json"), std::string::npos);
  EXPECT_NE(first.find("X-Extra: 1"), std::string::npos);
  EXPECT_NE(first.find(R"({"late":true})"), std::string::npos);
  std::string second = conn.ReadResponse();
  EXPECT_NE(second.find("GET /echo"), std::string::npos) << second;
  EXPECT_EQ(handler_.calls(), 2);
}

TEST_F(ServerTest, SecondAnswerIsIgnored) {
  StartServer();
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.Send(Get("/park")));
  auto parked = handler_.TakeParked();
  ASSERT_TRUE(parked);
  Responder copy = parked->respond;
  parked->respond(HttpResponse{200, "text/plain", "first", {}});
  copy(HttpResponse{500, "text/plain", "second", {}});
  ASSERT_TRUE(conn.Send(Get("/echo")));
  std::string first = conn.ReadResponse();
  EXPECT_NE(first.find("first"), std::string::npos) << first;
  std::string next = conn.ReadResponse();
  EXPECT_NE(next.find("GET /echo"), std::string::npos) << next;  // not "second"
}

TEST_F(ServerTest, AnswerAfterClientDisconnectedIsHarmless) {
  StartServer();
  std::optional<TestHandler::Parked> parked;
  {
    RawConnection conn(server_->port());
    ASSERT_TRUE(conn.Send(Get("/park")));
    parked = handler_.TakeParked();
    ASSERT_TRUE(parked);
  }  // the client hangs up before the answer
  std::thread([respond = std::move(parked->respond)] {
    respond(HttpResponse{200, "text/plain", std::string(1 << 20, 'x'), {}});
  }).join();
  // The server is still fine.
  auto result = Client().Get("/echo");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

TEST_F(ServerTest, DroppedOrThrowingHandlerGets500) {
  StartServer();
  auto client = Client();
  auto dropped = client.Get("/drop");
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->status, 500);
  EXPECT_NE(dropped->body.find(R"("code":"internal")"), std::string::npos);
  auto thrown = client.Get("/throw");
  ASSERT_TRUE(thrown);
  EXPECT_EQ(thrown->status, 500);
}

TEST_F(ServerTest, BodyOverLimitByContentLengthIs413AndCloses) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  RawConnection conn(server_->port());
  // Only the headers are sent: the answer must not wait for a body it would refuse anyway.
  ASSERT_TRUE(conn.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"));
  std::string response = conn.ReadResponse();
  EXPECT_NE(response.find("HTTP/1.1 413"), std::string::npos) << response;
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  EXPECT_NE(response.find(R"({"error":{"code":"payload_too_large","message":")"),
            std::string::npos)
      << response;
  EXPECT_TRUE(conn.WaitForClose());
  EXPECT_EQ(handler_.calls(), 0);
}

TEST_F(ServerTest, ChunkedBodyGrowingPastLimitIs413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "200\r\n" + std::string(0x200, 'a') + "\r\n";  // 512 bytes each
  for (int i = 0; i < 4; ++i) conn.Send(chunk);  // may fail once the server has answered
  std::string response = conn.ReadResponse();
  EXPECT_NE(response.find("HTTP/1.1 413"), std::string::npos) << response;
  EXPECT_NE(response.find("payload_too_large"), std::string::npos);
  EXPECT_TRUE(conn.WaitForClose());
  EXPECT_EQ(handler_.calls(), 0);
}

TEST_F(ServerTest, BodyWithinLimitAndPerPathLimit) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  options.body_limits = {{"/big", 1 << 20}};
  StartServer(options);
  auto client = Client();
  auto small = client.Post("/echo", std::string(1024, 'a'), "text/plain");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200);
  auto big = client.Post("/big", std::string(100000, 'b'), "text/plain");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 200);
  EXPECT_EQ(big->body.size(), std::string("POST /big ").size() + 100000);
  auto refused = Client().Post("/echo", std::string(100000, 'b'), "text/plain");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
}

TEST_F(ServerTest, ExpectContinueIsAnswered) {
  StartServer();
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  std::string interim = conn.ReadUntil(
      [](const std::string& s) { return s.find("\r\n\r\n") != std::string::npos; });
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << interim;
  conn.ReadResponse();  // consumes the interim answer (no Content-Length)
  ASSERT_TRUE(conn.Send("abc"));
  std::string response = conn.ReadResponse();
  EXPECT_NE(response.find("POST /echo abc"), std::string::npos) << response;
}

TEST_F(ServerTest, HeadersOverLimitAre431) {
  StartServer();
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'h') +
                        "\r\n\r\n"));
  std::string response = conn.ReadResponse();
  EXPECT_NE(response.find("HTTP/1.1 431"), std::string::npos) << response;
  EXPECT_NE(response.find("header_too_large"), std::string::npos);
  EXPECT_TRUE(conn.WaitForClose());
}

TEST_F(ServerTest, MalformedRequestIs400WithJsonError) {
  StartServer();
  for (const char* garbage : {"THIS IS NOT HTTP\r\n\r\n", "GET / HTTX/1.1\r\n\r\n",
                              "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    RawConnection conn(server_->port());
    ASSERT_TRUE(conn.Send(garbage));
    std::string response = conn.ReadResponse();
    EXPECT_NE(response.find("HTTP/1.1 400"), std::string::npos) << garbage << response;
    EXPECT_NE(response.find(R"({"error":{"code":"bad_request")"), std::string::npos) << response;
    EXPECT_TRUE(conn.WaitForClose());
  }
  EXPECT_EQ(handler_.calls(), 0);
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string response = conn.ReadResponse();
  EXPECT_NE(response.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
  EXPECT_TRUE(conn.WaitForClose());
}

TEST_F(ServerTest, SlowClientIsDisconnectedAfterIdleTimeout) {
  ServerOptions options;
  options.idle_timeout_s = 1;
  StartServer(options);
  RawConnection slow(server_->port());
  ASSERT_TRUE(slow.Send("GET /echo HTTP/1.1\r\nHo"));  // and then nothing
  const auto started = Clock::now();
  EXPECT_TRUE(slow.WaitForClose());
  EXPECT_LT(Clock::now() - started, 5s);
  // Meanwhile others are served.
  auto result = Client().Get("/echo");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

TEST_F(ServerTest, StreamedBodyArrivesInPieces) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  options.body_limits = {{"/stream", 4 << 20}};
  StartServer(options);
  auto result = Client().Post("/stream", std::string(3 << 20, 's'), "application/x-ndjson");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "streamed " + std::to_string(3 << 20));
  EXPECT_GT(handler_.stream_pieces.load(), 1);
  auto refused = Client().Post("/stream", std::string(5 << 20, 's'), "application/x-ndjson");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
}

TEST_F(ServerTest, ParallelClientsAreAllServed) {
  ServerOptions options;
  options.threads = 2;
  StartServer(options);
  constexpr int kClients = 8;
  constexpr int kRequests = 50;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto client = Client();
      for (int i = 0; i < kRequests; ++i) {
        std::string body = std::to_string(c) + "-" + std::to_string(i);
        auto result = client.Post("/echo", body, "text/plain");
        if (result && result->status == 200 && result->body == "POST /echo " + body) ++ok;
      }
    });
  }
  // Parked requests answered from a thread of their own, interleaved with the others.
  std::thread parker([&] {
    for (int i = 0; i < kRequests; ++i) {
      auto result = Client().Get("/park");
      if (result && result->status == 200) ++ok;
    }
  });
  for (int i = 0; i < kRequests; ++i) {
    auto parked = handler_.TakeParked();
    ASSERT_TRUE(parked);
    parked->respond(HttpResponse{200, "text/plain", "parked", {}});
  }
  parker.join();
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), kClients * kRequests + kRequests);
}

TEST_F(ServerTest, StopLetsInFlightRequestFinishAndClosesIdleConnections) {
  StartServer();
  RawConnection idle(server_->port());
  ASSERT_TRUE(idle.Send(Get("/echo")));
  ASSERT_NE(idle.ReadResponse().find("200 OK"), std::string::npos);  // now idle, kept alive

  RawConnection busy(server_->port());
  ASSERT_TRUE(busy.Send(Get("/park")));
  auto parked = handler_.TakeParked();
  ASSERT_TRUE(parked);

  std::thread stopper([&] { server_->Stop(); });
  // Once new connections are refused, Stop is under way; the idle connection is closed.
  const uint16_t port = server_->port();
  EXPECT_TRUE(WaitUntil([&] { return !RawConnection(port).connected(); }));
  EXPECT_TRUE(idle.WaitForClose());
  parked->respond(HttpResponse{200, "text/plain", "finished", {}});
  std::string response = busy.ReadResponse();
  EXPECT_NE(response.find("HTTP/1.1 200"), std::string::npos) << response;
  EXPECT_NE(response.find("finished"), std::string::npos);
  EXPECT_NE(response.find("Connection: close"), std::string::npos);  // no more requests
  stopper.join();
  EXPECT_TRUE(busy.WaitForClose());
}

TEST_F(ServerTest, AnswerAfterStopAndDestructionIsDropped) {
  ServerOptions options;
  options.stop_grace_ms = 100;
  StartServer(options);
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.Send(Get("/park")));
  auto parked = handler_.TakeParked();
  ASSERT_TRUE(parked);
  server_->Stop();  // waits out the grace period for the parked request, then gives up
  server_.reset();
  parked->respond(HttpResponse{200, "text/plain", "too late", {}});  // no crash, no effect
  EXPECT_TRUE(conn.WaitForClose());
}

TEST_F(ServerTest, BindFailureIsAnErrorStatus) {
  StartServer();
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = server_->port();  // taken
  TestHandler other;
  auto second = NewHttpServer(options, other);
  Status status = second->Start();
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_NE(status.message().find(std::to_string(options.port)), std::string::npos);
  second->Stop();  // harmless on a server that never started

  options.host = "not a host name";
  EXPECT_FALSE(NewHttpServer(options, other)->Start().ok());
}

TEST_F(ServerTest, RefusedOnHeadersWithoutWaitingForTheAnnouncedBody) {
  StartServer();
  RawConnection conn(server_->port());
  // 60 MiB announced, none of it sent: the refusal must not wait for (or read) the body.
  ASSERT_TRUE(conn.Send("PUT /private HTTP/1.1\r\nHost: x\r\nContent-Length: 62914560\r\n\r\n"));
  const auto started = Clock::now();
  std::string response = conn.ReadResponse();
  EXPECT_LT(Clock::now() - started, 5s);
  EXPECT_NE(response.find("HTTP/1.1 401"), std::string::npos) << response;
  EXPECT_NE(response.find(R"("field":"authorization")"), std::string::npos) << response;
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
  EXPECT_TRUE(conn.WaitForClose());
  EXPECT_EQ(handler_.calls(), 0);
  EXPECT_EQ(handler_.admits(), 1);

  // The same with Expect: 100-continue: no 100 Continue, only the refusal.
  RawConnection expect(server_->port());
  ASSERT_TRUE(expect.Send("POST /private HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n"
                          "Expect: 100-continue\r\n\r\n"));
  response = expect.ReadResponse();
  EXPECT_EQ(response.rfind("HTTP/1.1 401", 0), 0u) << response;
  EXPECT_TRUE(expect.WaitForClose());
  EXPECT_EQ(expect.received().find("100 Continue"), std::string::npos);
  EXPECT_EQ(handler_.calls(), 0);
}

TEST_F(ServerTest, RefusalWithoutABodyKeepsTheConnection) {
  StartServer();
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.Send(Get("/private")));
  EXPECT_NE(conn.ReadResponse().find("HTTP/1.1 401"), std::string::npos);
  ASSERT_TRUE(conn.Send(Get("/echo")));
  EXPECT_NE(conn.ReadResponse().find("GET /echo"), std::string::npos);
  EXPECT_EQ(handler_.calls(), 1);
}

TEST_F(ServerTest, AdmissionLowersTheBodyLimit) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  options.body_limits = {{"/small", 1 << 20}};  // the handler's 16 bytes win
  StartServer(options);
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n"));
  std::string response = conn.ReadResponse();
  EXPECT_NE(response.find("HTTP/1.1 413"), std::string::npos) << response;
  EXPECT_NE(response.find("(16 bytes)"), std::string::npos) << response;
  EXPECT_TRUE(conn.WaitForClose());
  auto fits = Client().Post("/small", std::string(16, 'a'), "text/plain");
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 200);
  EXPECT_EQ(handler_.calls(), 1);
}

TEST_F(ServerTest, ConnectionsOverTheLimitAreRefusedAndServedAgainOnceOthersClose) {
  ServerOptions options;
  options.max_connections = 3;
  options.counters = std::make_shared<ServerCounters>();
  StartServer(options);
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_TRUE(open.back()->Send(Get("/echo")));  // served: the connection is really open
    ASSERT_NE(open.back()->ReadResponse().find("200 OK"), std::string::npos);
  }
  EXPECT_EQ(options.counters->open_connections.load(), 3);
  RawConnection extra(server_->port());
  ASSERT_TRUE(extra.connected());  // the kernel completes the handshake; the server refuses
  std::string response = extra.ReadResponse();
  EXPECT_NE(response.find("HTTP/1.1 503"), std::string::npos) << response;
  EXPECT_NE(response.find("too_many_connections"), std::string::npos) << response;
  EXPECT_TRUE(extra.WaitForClose());
  EXPECT_EQ(options.counters->refused_connections.load(), 1u);
  // The open ones are still served.
  ASSERT_TRUE(open[0]->Send(Get("/echo")));
  EXPECT_NE(open[0]->ReadResponse().find("200 OK"), std::string::npos);
  // Once one closes, a new connection is served again.
  open.pop_back();
  EXPECT_TRUE(WaitUntil([&] { return options.counters->open_connections.load() == 2; }));
  RawConnection next(server_->port());
  ASSERT_TRUE(next.Send(Get("/echo")));
  EXPECT_NE(next.ReadResponse().find("200 OK"), std::string::npos);
}

// Out of file descriptors, accept fails; the server must back off instead of spinning, and
// accept again once descriptors are free.
TEST_F(ServerTest, AcceptErrorsBackOffAndRecover) {
  ServerOptions options;
  options.counters = std::make_shared<ServerCounters>();
  options.accept_backoff_min_ms = 10;
  options.accept_backoff_max_ms = 200;
  StartServer(options);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  // Use up every descriptor below a low limit, then connect with the last one.
  int highest = 0;
  for (int fd = 0; fd < 4096; ++fd)
    if (::fcntl(fd, F_GETFD) != -1) highest = fd;
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(highest + 8);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> fillers;
  for (int fd; (fd = ::dup(0)) >= 0;) fillers.push_back(fd);
  ASSERT_FALSE(fillers.empty());
  ::close(fillers.back());
  fillers.pop_back();
  auto client = std::make_unique<RawConnection>(server_->port());  // takes the last descriptor
  const bool connected = client->connected();
  // The server cannot accept it: a tight loop would fail thousands of times in 300 ms.
  const bool failed = WaitUntil([&] { return options.counters->accept_errors.load() > 0; });
  std::this_thread::sleep_for(300ms);
  const uint64_t errors = options.counters->accept_errors.load();
  for (int fd : fillers) ::close(fd);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_TRUE(connected);
  EXPECT_TRUE(failed);
  EXPECT_GE(errors, 1u);
  EXPECT_LE(errors, 20u);  // 10, 20, 40, 80, 160, 200, ... ms apart
  // Descriptors are back: the waiting connection is accepted and served.
  ASSERT_TRUE(client->Send(Get("/echo")));
  EXPECT_NE(client->ReadResponse().find("200 OK"), std::string::npos);
}

TEST(UrlTest, SplitTargetDecodesPathAndQuery) {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  SplitTarget("/a%20b/c+d?x=1&&flag&y=two+words&bad=%zz", path, query);
  EXPECT_EQ(path, "/a b/c+d");  // '+' is a space only in the query
  ASSERT_EQ(query.size(), 4u);
  EXPECT_EQ(query[0], (std::pair<std::string, std::string>{"x", "1"}));
  EXPECT_EQ(query[1], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(query[2], (std::pair<std::string, std::string>{"y", "two words"}));
  EXPECT_EQ(query[3], (std::pair<std::string, std::string>{"bad", "%zz"}));
}

}  // namespace
}  // namespace quell::http
