// The real server refuses early and bounds what it holds (issue 20): requests are routed and
// authenticated on their headers before any of the body is read, bodies are limited per route
// and method, connections are limited, and time values out of range are errors naming the field.
// Raw sockets send what an HTTP client would not (headers without the announced body); every wait
// has a deadline.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server_per_suite.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr auto kDeadline = 10s;

// A loopback connection that sends exactly what it is given.
class RawSocket {
 public:
  explicit RawSocket(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads until one whole response (headers and Content-Length body) has arrived, the peer
  // closes, or the deadline passes; returns it (or what arrived) and forgets it.
  std::string ReadResponse() {
    const auto until = SteadyClock::now() + kDeadline;
    while (Complete() == 0 && !eof_ && SteadyClock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      char buf[16384];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        eof_ = true;
        break;
      }
      received_.append(buf, static_cast<size_t>(n));
    }
    size_t n = Complete();
    if (n == 0) n = received_.size();
    std::string out = received_.substr(0, n);
    received_.erase(0, n);
    return out;
  }
  // True once the server has closed the connection (within the deadline).
  bool WaitForClose() {
    const auto until = SteadyClock::now() + kDeadline;
    while (!eof_ && SteadyClock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      char buf[16384];
      if (::recv(fd_, buf, sizeof buf, 0) <= 0) eof_ = true;
    }
    return eof_;
  }

 private:
  // The length of the first whole response received, or 0.
  size_t Complete() const {
    size_t end = received_.find("\r\n\r\n");
    if (end == std::string::npos) return 0;
    size_t length = 0;
    size_t at = received_.find("Content-Length: ");
    if (at != std::string::npos && at < end) length = std::stoul(received_.substr(at + 16));
    return received_.size() >= end + 4 + length ? end + 4 + length : 0;
  }

  int fd_;
  bool connected_ = false;
  bool eof_ = false;
  std::string received_;
};

int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

std::string BodyOf(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

std::string FieldOf(const std::string& body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("error")) return "<no error body>";
  const auto& error = v.at("error").as_object();
  return error.contains("field") ? std::string(error.at("field").as_string()) : "";
}

class LimitsTest : public ServerPerSuite {
 protected:
  // Sends only the request line and headers, then waits for the answer: it must come without
  // the body (none is ever sent).
  static std::string HeadersOnly(const std::string& method, const std::string& path,
                                 const std::string& extra_headers, size_t content_length) {
    RawSocket conn(server_->port());
    EXPECT_TRUE(conn.connected());
    EXPECT_TRUE(conn.Send(method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + extra_headers +
                          "Content-Type: application/json\r\nContent-Length: " +
                          std::to_string(content_length) + "\r\n\r\n"));
    const auto started = SteadyClock::now();
    std::string response = conn.ReadResponse();
    EXPECT_LT(SteadyClock::now() - started, 5s) << method << " " << path;
    // The refused body is never waited for: the server closes the connection.
    EXPECT_TRUE(conn.WaitForClose()) << method << " " << path;
    return response;
  }
};

constexpr size_t k60MiB = 60u << 20;

TEST_F(LimitsTest, UnauthenticatedRequestsAnnouncingHugeBodiesAreRefusedBeforeTheBody) {
  struct Case {
    const char* method;
    const char* path;
    int status;
    const char* field;
  };
  for (const Case& c : {Case{"GET", "/api/v1/logs", 401, "authorization"},
                        Case{"POST", "/api/v1/logs", 401, "authorization"},
                        Case{"PUT", "/api/v1/logs", 405, "method"},
                        Case{"POST", "/api/v1/alerts", 401, "authorization"},
                        Case{"PUT", "/api/v1/topology", 401, "authorization"},
                        Case{"POST", "/api/v1/incidents/1/ack", 401, "authorization"},
                        Case{"DELETE", "/api/v1/incidents", 405, "method"},
                        Case{"POST", "/nowhere", 404, ""},
                        Case{"POST", "/telegram/webhook", 404, ""}}) {
    std::string response = HeadersOnly(c.method, c.path, "", k60MiB);
    EXPECT_EQ(StatusOf(response), c.status) << c.method << " " << c.path << ": " << response;
    EXPECT_EQ(FieldOf(BodyOf(response)), c.field) << c.method << " " << c.path << ": " << response;
  }
  // A wrong token is no better than none, and is never echoed.
  std::string wrong = HeadersOnly("POST", "/api/v1/logs",
                                  "Authorization: Bearer qk_wrong_token_xyz\r\n", k60MiB);
  EXPECT_EQ(StatusOf(wrong), 401) << wrong;
  EXPECT_EQ(wrong.find("qk_wrong_token_xyz"), std::string::npos);
  // Too small a scope is refused just as early.
  static const std::string reader = server_->CreateToken("limits-reader", "read");
  ASSERT_FALSE(reader.empty());
  std::string forbidden =
      HeadersOnly("POST", "/api/v1/logs", "Authorization: Bearer " + reader + "\r\n", k60MiB);
  EXPECT_EQ(StatusOf(forbidden), 403) << forbidden;
  // The server is fine afterwards.
  EXPECT_EQ(server_->Get("/api/v1/incidents", token_).status, 200);
}

TEST_F(LimitsTest, OversizeBodiesOfAuthenticatedRequestsAre413BeforeTheBody) {
  const std::string auth = "Authorization: Bearer " + token_ + "\r\n";
  struct Case {
    const char* method;
    const char* path;
    size_t length;
  };
  for (const Case& c : {Case{"POST", "/api/v1/alerts", (1u << 20) + 1},      // max_body_bytes
                        Case{"POST", "/api/v1/logs", (64u << 20) + 1},       // logs.max_body_bytes
                        Case{"GET", "/api/v1/logs?service=a", k60MiB},       // GET: 64 KiB
                        Case{"GET", "/api/v1/incidents", (64u << 10) + 1},
                        Case{"PUT", "/api/v1/topology", (1u << 20) + 1}}) {
    std::string response = HeadersOnly(c.method, c.path, auth, c.length);
    EXPECT_EQ(StatusOf(response), 413) << c.method << " " << c.path << ": " << response;
    EXPECT_NE(response.find("payload_too_large"), std::string::npos) << response;
  }
}

TEST_F(LimitsTest, AGetWithASmallBodyIsServed) {
  RawSocket conn(server_->port());
  const std::string body = R"({"ignored":true})";
  ASSERT_TRUE(conn.Send("GET /api/v1/incidents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        token_ + "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body));
  std::string response = conn.ReadResponse();
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_NE(BodyOf(response).find("\"incidents\""), std::string::npos) << response;
  // Keep-alive: the connection serves the next request too.
  ASSERT_TRUE(conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(StatusOf(conn.ReadResponse()), 200);
}

// Time values out of range and dates that do not exist are errors naming the field, with the
// status the route gives any invalid field: 400 for query parameters and log bodies, 422 for an
// invalid alert or deploy (batches are all-or-nothing and list every invalid item).
TEST_F(LimitsTest, OutOfRangeEpochsAndImpossibleDatesNameTheField) {
  struct Case {
    const char* path;
    std::string body;
    int status;
    const char* field;
  };
  const std::vector<Case> posts = {
      {"/api/v1/alerts", R"({"service":"t","error":"x","timestamp":1e300})", 422, "timestamp"},
      {"/api/v1/alerts", R"({"service":"t","error":"x","timestamp":-1e19})", 422, "timestamp"},
      {"/api/v1/alerts", R"({"service":"t","error":"x","timestamp":18446744073709551615})", 422,
       "timestamp"},
      {"/api/v1/alerts", R"({"service":"t","error":"x","timestamp":"2026-02-31T00:00:00Z"})",
       422, "timestamp"},
      {"/api/v1/alerts", R"({"service":"t","error":"x","timestamp":"2026-13-01T00:00:00Z"})",
       422, "timestamp"},
      {"/api/v1/alerts", R"({"service":"t","error":"x","timestamp":"2026-01-01T24:61:00Z"})",
       422, "timestamp"},
      {"/api/v1/deploys", R"({"service":"t","version":"1","started_at":-1e19})", 422,
       "started_at"},
      {"/api/v1/logs", R"({"service":"t","entries":[{"ts":1e300,"message":"m"}]})", 400,
       "entries[0].ts"},
      {"/api/v1/logs", R"({"service":"t","entries":[{"ts":"2026-02-30T00:00:00Z","message":"m"}]})",
       400, "entries[0].ts"},
  };
  for (const auto& c : posts) {
    auto r = server_->Post(c.path, c.body, token_);
    EXPECT_EQ(r.status, c.status) << c.path << " " << c.body << " -> " << r.body;
    EXPECT_EQ(FieldOf(r.body), c.field) << c.body << " -> " << r.body;
  }
  for (const char* path : {"/api/v1/logs?service=t&since=2026-02-31T00:00:00Z",
                           "/api/v1/logs?service=t&until=999999999999999",
                           "/api/v1/deploys?since=2026-01-01T23:61:00Z",
                           "/api/v1/stats?since=2026-04-31T00:00:00Z"}) {
    auto r = server_->Get(path, token_);
    EXPECT_EQ(r.status, 400) << path << " -> " << r.body;
    const std::string query(path);
    const std::string field = query.find("since=") != std::string::npos ? "since" : "until";
    EXPECT_EQ(FieldOf(r.body), field) << path << " -> " << r.body;
  }
  // Nothing was stored, and the server is up.
  auto list = server_->Get("/api/v1/incidents?service=t", token_);
  EXPECT_EQ(list.status, 200);
  EXPECT_NE(list.body.find(R"("incidents":[])"), std::string::npos) << list.body;
}

// A server with room for 4 connections: the fifth is answered 503 and closed at once, and once
// the others close, new connections are served again.
TEST(ConnectionLimitTest, ExtraConnectionsAreRefusedAndServedAgainAfterOthersClose) {
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", "max_connections=4"})) << server.log();
  std::vector<std::unique_ptr<RawSocket>> open;
  for (int i = 0; i < 4; ++i) {
    open.push_back(std::make_unique<RawSocket>(server.port()));
    ASSERT_TRUE(open.back()->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_EQ(StatusOf(open.back()->ReadResponse()), 200);  // accepted and kept alive
  }
  RawSocket extra(server.port());
  ASSERT_TRUE(extra.connected());
  std::string refused = extra.ReadResponse();
  EXPECT_EQ(StatusOf(refused), 503) << refused;
  EXPECT_NE(refused.find("too_many_connections"), std::string::npos) << refused;
  EXPECT_TRUE(extra.WaitForClose());
  // The open ones are still served.
  ASSERT_TRUE(open[0]->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(StatusOf(open[0]->ReadResponse()), 200);
  open.clear();
  // Once they are gone, the server serves again (polled: the server notices the closes).
  std::string metrics;
  const auto until = SteadyClock::now() + kDeadline;
  while (SteadyClock::now() < until) {
    auto r = server.Get("/metrics", "");
    if (r.status == 200) {
      metrics = r.body;
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  const std::string refused_metric = "\nquell_http_connections_refused_total ";
  size_t at = metrics.find(refused_metric);
  ASSERT_NE(at, std::string::npos) << metrics.substr(0, 2000);
  EXPECT_GE(std::stod(metrics.substr(at + refused_metric.size())), 1.0);
  // Logged once for the burst.
  const std::string log = server.log();
  size_t first = log.find("refusing new ones");
  EXPECT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("refusing new ones", first + 1), std::string::npos) << log;
}

}  // namespace
}  // namespace quell::testing
