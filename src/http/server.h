// HttpServer: the HTTP/1.1 listener. The only place Boost.Beast is used is server.cc; the rest of
// Quell sees these plain structs.
//
// Connections are keep-alive; each request is handed to the Handler with a Responder that may be
// called from any thread, exactly once, possibly after Handle has returned (ingest answers after
// the group commit). The server reads the headers first and asks the Handler whether to take
// the request (Admit: route, method, credentials) before it reads any of the body; it enforces
// the body limit (413 before reading the body), the header limit (431), the connection limit
// (503 and close) and idle timeouts, and answers malformed HTTP with 400 itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace quell::http {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path plus query
  std::string path;    // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  // Set by the Handler once it has authenticated the request: the token's name, who acts.
  std::string caller;

  // First header with this lower-case name, or empty.
  std::string Header(std::string_view name) const;
  // First query parameter with this name, or empty.
  std::string Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using Responder = std::function<void(HttpResponse)>;

// A request body delivered in pieces as it arrives, for routes that take large streams.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // The next piece of the body (pieces do not respect line boundaries). A response ends the
  // request early (the rest of the body is read and dropped).
  virtual std::optional<HttpResponse> Feed(std::string_view piece) = 0;
  // The whole body has arrived: answer.
  virtual void Finish(Responder respond) = 0;
};

// What a Handler decides from a request's headers alone, before any of the body is read.
struct Admission {
  // Set: answer this at once without reading the body (a connection whose request announced a
  // body is closed after the answer).
  std::optional<HttpResponse> refusal;
  // The largest body this request may have; 0: the server's limit for the path. It can only
  // lower the server's limit, never raise it.
  size_t max_body_bytes = 0;
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Called on a server thread once the headers are read (`head` has no body), before any of
  // the body is read and before OpenStream or Handle. The default takes every request.
  virtual Admission Admit(const HttpRequest& head) {
    (void)head;
    return {};
  }
  // Called on a server thread. Must eventually call respond exactly once.
  virtual void Handle(HttpRequest request, Responder respond) = 0;
  // Called once the headers are read (`head` has no body). A non-null stream receives the body
  // in pieces instead of Handle receiving it whole.
  virtual std::unique_ptr<BodyStream> OpenStream(const HttpRequest& head) {
    (void)head;
    return nullptr;
  }
};

// Connection counters, shared with whoever reports them (the app's /metrics).
struct ServerCounters {
  std::atomic<int64_t> open_connections{0};
  std::atomic<uint64_t> refused_connections{0};  // over max_connections
  std::atomic<uint64_t> accept_errors{0};        // e.g. EMFILE
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;          // 0: pick a free port
  int threads = 2;
  size_t max_body_bytes = 1 << 20;
  // Larger limits for some paths (exact path match, e.g. {"/api/v1/logs", 64 MiB}). The limit
  // is chosen after the headers are read, before any of the body is.
  std::vector<std::pair<std::string, size_t>> body_limits;
  size_t max_header_bytes = 16 * 1024;  // request line and headers (larger: 431)
  // Open connections at most; more are answered 503 and closed at once.
  int max_connections = 1024;
  int idle_timeout_s = 60;       // keep-alive idle and slow-client limit
  int stop_grace_ms = 5000;      // how long Stop waits for in-flight requests to be answered
  // Accept errors (out of file descriptors) back off from accept_backoff_min_ms, doubling up to
  // accept_backoff_max_ms, before accepting again.
  int accept_backoff_min_ms = 10;
  int accept_backoff_max_ms = 1000;
  std::shared_ptr<ServerCounters> counters;  // null: the server keeps its own
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Binds and starts accepting on background threads.
  virtual Status Start() = 0;
  // The bound port (useful with port 0).
  virtual uint16_t port() const = 0;
  // Stops accepting, lets in-flight requests finish (up to a grace period), joins threads.
  virtual void Stop() = 0;
};

// `handler` must outlive the server.
std::unique_ptr<HttpServer> NewHttpServer(const ServerOptions& options, Handler& handler);

}  // namespace quell::http
