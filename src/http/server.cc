// The Boost.Beast HTTP/1.1 server behind HttpServer. The only translation unit that includes
// Beast/Asio (they cost ~20 s of compile time per TU).
//
// Shape (after Beast's async examples): a Listener accepts connections, each connection is one
// Session on its own strand. A Session reads one request at a time (no pipelining), hands it to
// the Handler and reads the next request only after the Handler's response is written. The
// Responder may run on any thread: it posts the write back onto the session's strand.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "common/text.h"
#include "http/server.h"
#include "http/url.h"

namespace quell::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr size_t kDrainLimit = 8 << 20;  // bytes read and dropped after rejecting a request
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string ErrorJson(const char* code, const std::string& message) {
  std::string escaped;
  for (char c : message) {
    if (c == '"' || c == '\\') escaped += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) escaped += c;
  }
  return std::string(R"({"error":{"code":")") + code + R"(","message":")" + escaped + "\"}}";
}

HttpResponse ErrorResponse(int status, const char* code, const std::string& message) {
  return {status, "application/json", ErrorJson(code, message), {}};
}

// Shared by the server and every Responder it hands out. Once closed (by Stop, after the grace
// period) a Responder does nothing, so a handler that answers late, even after the server is
// destroyed, never touches a stopped io_context or a dead session.
struct Gate {
  std::mutex mu;
  bool open = true;
};

class BeastServer;
class Session;

// The state behind one Responder (all copies share it): who to answer, and whether it was done.
// If the last copy is dropped unanswered (a handler bug, or a handler that threw), the client
// gets a 500 instead of a connection that hangs until the idle timeout.
struct PendingResponse {
  PendingResponse(std::weak_ptr<Session> s, std::shared_ptr<Gate> g, bool keep)
      : session(std::move(s)), gate(std::move(g)), keep_alive(keep) {}
  ~PendingResponse();
  void Answer(HttpResponse response);

  std::weak_ptr<Session> session;
  std::shared_ptr<Gate> gate;
  bool keep_alive;
  std::atomic<bool> answered{false};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, BeastServer& server);
  ~Session();
  void Start();
  // Closes the connection, on its strand, if no request is being handled (used by Stop).
  void PostCloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->CloseIfIdle(); });
  }
  // Stop, after the io threads are joined: forget the self-reference of a session whose handler
  // never answered, so that it can be destroyed.
  void ReleaseAfterStop() { self_while_busy_.reset(); }
  bool OnOwnStrand() {
    // Accepted sockets run on a strand of the io_context (see BeastServer::Accept). target()
    // points into the executor object: keep it alive while the strand is asked.
    auto executor = stream_.get_executor();
    auto* strand = executor.target<net::strand<net::io_context::executor_type>>();
    return strand && strand->running_in_this_thread();
  }
  // Answers the current request on the session's strand.
  void PostWrite(HttpResponse response, bool close) {
    net::post(stream_.get_executor(),
              [self = shared_from_this(), close, response = std::move(response)]() mutable {
                self->Write(std::move(response), close);
              });
  }
  void Write(HttpResponse response, bool close);

 private:
  void CloseIfIdle();
  void Read();
  void OnHeader(beast::error_code ec);
  void OnRead(beast::error_code ec);
  void Reject(HttpResponse response);
  void Refuse(HttpResponse response);
  template <typename Next>
  void ContinueThen(Next next);
  HttpRequest Head();
  Responder MakeResponder(bool keep_alive);
  void Dispatch();
  void ReadStream();
  void OnStreamRead(beast::error_code ec);
  void OnWrite(bool close, bool drain, beast::error_code ec);
  void Drain();
  void Close();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  // Rebuilt for every request (a Beast parser handles one message).
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;  // alive while being written
  std::unique_ptr<BodyStream> body_stream_;  // set while a streamed body is being read
  // While a handler holds the Responder no I/O is pending, so nothing else keeps the session
  // alive; Responders hold it weakly (see Gate).
  std::shared_ptr<Session> self_while_busy_;
  std::array<char, 16384> drain_buffer_{};
  size_t drained_ = 0;
  size_t body_limit_ = 0;  // of the current request
  BeastServer& server_;
  std::string remote_;
  bool busy_ = false;
  bool closed_ = false;
};

class BeastServer final : public HttpServer {
 public:
  BeastServer(const ServerOptions& options, Handler& handler)
      : options_(options),
        handler_(handler),
        counters_(options.counters ? options.counters : std::make_shared<ServerCounters>()),
        ioc_(std::max(1, options.threads)),
        acceptor_(net::make_strand(ioc_)),
        accept_timer_(acceptor_.get_executor()) {}
  ~BeastServer() override { Stop(); }

  Status Start() override;
  uint16_t port() const override { return port_; }
  void Stop() override;

  Handler& handler() { return handler_; }
  const ServerOptions& options() const { return options_; }
  const std::shared_ptr<Gate>& gate() const { return gate_; }
  ServerCounters& counters() { return *counters_; }
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

  void Register(Session* session, std::weak_ptr<Session> weak) {
    std::lock_guard lock(mu_);
    sessions_.emplace(session, std::move(weak));
  }
  void Unregister(Session* session) {
    std::lock_guard lock(mu_);
    sessions_.erase(session);
  }
  void RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void RequestFinished() {
    if (in_flight_.fetch_sub(1) == 1 && stopping()) {
      std::lock_guard lock(mu_);
      idle_cv_.notify_all();
    }
  }

 private:
  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void RefuseConnection(tcp::socket& socket);
  std::vector<std::shared_ptr<Session>> LiveSessions();

  const ServerOptions options_;
  Handler& handler_;
  const std::shared_ptr<ServerCounters> counters_;
  // Declared before the io_context: handlers still queued in it own sessions, whose destructors
  // unregister here when the io_context is destroyed.
  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::atomic<int> in_flight_{0};
  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();

  net::io_context ioc_;
  tcp::acceptor acceptor_;  // on its own strand: Stop closes it while an accept may complete
  // On the acceptor's strand, like the state below it.
  net::steady_timer accept_timer_;     // backing off after an accept error
  int accept_backoff_ms_ = 0;          // 0: no error since the last accepted connection
  uint64_t accept_errors_in_row_ = 0;
  uint64_t refused_in_burst_ = 0;      // connections refused since the limit was last reached
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
};

PendingResponse::~PendingResponse() {
  if (!answered.load())
    Answer(ErrorResponse(500, "internal", "the request was dropped without an answer"));
}

void PendingResponse::Answer(HttpResponse response) {
  if (answered.exchange(true)) return;  // a second answer is ignored
  std::shared_ptr<Session> s;
  {
    // The session is locked under the gate so that Stop cannot release it in between, and the
    // reference is dropped under the gate unless we stay on the session's own io thread.
    std::lock_guard lock(gate->mu);
    if (!gate->open) return;
    s = session.lock();
    if (!s) return;
    if (!s->OnOwnStrand()) {
      s->PostWrite(std::move(response), !keep_alive);
      s.reset();
      return;
    }
  }
  // Answered inline from Handle (the common case): write now, without a round trip through the
  // queue. We are on an io thread, which Stop joins before it releases sessions.
  s->Write(std::move(response), !keep_alive);
}

Session::Session(tcp::socket socket, BeastServer& server)
    : stream_(std::move(socket)), server_(server) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = endpoint.address().to_string();
  // Small responses must not wait for Nagle (about 40 ms each on keep-alive connections).
  stream_.socket().set_option(tcp::no_delay(true), ec);
}

Session::~Session() {
  server_.Unregister(this);
  server_.counters().open_connections.fetch_sub(1, std::memory_order_relaxed);
}

void Session::Start() {
  server_.Register(this, weak_from_this());
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
}

void Session::CloseIfIdle() {
  if (!busy_) Close();
}

void Session::Read() {
  if (closed_) return;
  if (server_.stopping()) return Close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<size_t>(server_.options().max_header_bytes, UINT32_MAX)));
  // No body limit while the headers are read: Beast would refuse a large Content-Length before
  // the handler could refuse the request itself (401 before 413). OnHeader sets the route's
  // limit before any of the body is read.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  body_limit_ = server_.options().max_body_bytes;
  // One deadline for the whole request (headers and body): a slow client cannot hold the
  // connection longer than the idle timeout.
  stream_.expires_after(std::chrono::seconds(server_.options().idle_timeout_s));
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void Session::OnHeader(beast::error_code ec) {
  if (ec) return OnRead(ec);
  // Route, method and credentials are checked on the headers alone: a request the handler
  // refuses never has its body read (or waited for).
  HttpRequest head = Head();
  Admission admission;
  try {
    admission = server_.handler().Admit(head);
  } catch (const std::exception& e) {
    spdlog::error("handler threw while admitting a request: {}", e.what());
    admission.refusal = ErrorResponse(500, "internal", "the request could not be admitted");
  }
  if (admission.refusal) return Refuse(std::move(*admission.refusal));
  // Some routes (log streams) accept larger bodies, some methods none to speak of; decide
  // before reading any of the body.
  std::string_view target = parser_->get().target();
  target = target.substr(0, target.find('?'));
  size_t limit = server_.options().max_body_bytes;
  for (const auto& [path, path_limit] : server_.options().body_limits) {
    if (target == path) {
      limit = path_limit;
      break;
    }
  }
  if (admission.max_body_bytes > 0) limit = std::min(limit, admission.max_body_bytes);
  parser_->body_limit(limit);
  body_limit_ = limit;
  if (auto length = parser_->content_length(); length && *length > limit)
    return OnRead(bhttp::error::body_limit);
  body_stream_ = server_.handler().OpenStream(head);
  if (body_stream_) {
    busy_ = true;
    server_.RequestStarted();
    return ContinueThen([this] { ReadStream(); });
  }
  if (parser_->is_done()) return OnRead(ec);
  ContinueThen([this] {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code read_ec, size_t) {
                        self->OnRead(read_ec);
                      });
  });
}

// Clients that sent "Expect: 100-continue" (curl does for larger bodies) wait for it before
// sending the body; without it they stall for a second.
template <typename Next>
void Session::ContinueThen(Next next) {
  const auto& message = parser_->get();
  auto expect = message.find(bhttp::field::expect);
  if (expect == message.end() || parser_->is_done() ||
      !beast::iequals(expect->value(), "100-continue"))
    return next();
  net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                   [self = shared_from_this(), next](beast::error_code ec, size_t) {
                     if (ec) return self->OnRead(ec);
                     next();
                   });
}

void Session::OnRead(beast::error_code ec) {
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset ||
      ec == net::error::eof || ec == net::error::broken_pipe) {
    if (busy_) {  // a streamed request whose client went away
      body_stream_.reset();
      busy_ = false;
      server_.RequestFinished();
    }
    return Close();
  }
  if (ec == bhttp::error::body_limit)
    return Reject(ErrorResponse(413, "payload_too_large",
                                "request body is larger than this route accepts (" +
                                    std::to_string(body_limit_) + " bytes)"));
  if (ec == bhttp::error::header_limit)
    return Reject(ErrorResponse(431, "header_too_large", "request headers are too large"));
  if (ec) {
    if (ec.category() == beast::error_code(bhttp::error::bad_target).category())
      return Reject(ErrorResponse(400, "bad_request", "malformed HTTP: " + ec.message()));
    return Close();
  }
  Dispatch();
}

// Answers a request the server refuses itself, then closes (after draining what the client
// is still sending).
void Session::Reject(HttpResponse response) {
  if (!busy_) {
    busy_ = true;
    server_.RequestStarted();
  }
  body_stream_.reset();
  Write(std::move(response), true);
}

// Answers a request the handler refused on its headers. Without a body to skip the connection
// stays open (a 404 on keep-alive); with one announced it closes after the answer, draining what
// the client still sends, so that the refused body is never read into memory.
void Session::Refuse(HttpResponse response) {
  if (!parser_->is_done()) return Reject(std::move(response));
  busy_ = true;
  server_.RequestStarted();
  Write(std::move(response), !parser_->get().keep_alive());
}

HttpRequest Session::Head() {
  const auto& message = parser_->get();
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  SplitTarget(request.target, request.path, request.query);
  request.headers.reserve(8);
  for (const auto& field : message) {
    request.headers.emplace_back(ToLower(field.name_string()), std::string(field.value()));
  }
  request.remote_address = remote_;
  return request;
}

Responder Session::MakeResponder(bool keep_alive) {
  self_while_busy_ = shared_from_this();
  // One allocation; the lambda (one shared_ptr) fits std::function's small buffer.
  auto pending = std::make_shared<PendingResponse>(weak_from_this(), server_.gate(), keep_alive);
  return [pending = std::move(pending)](HttpResponse response) {
    pending->Answer(std::move(response));
  };
}

// Streamed bodies: read what has arrived, hand it over, forget it, so memory stays bounded.
void Session::ReadStream() {
  if (parser_->is_done()) return OnStreamRead({});  // no (more) body
  stream_.expires_after(std::chrono::seconds(server_.options().idle_timeout_s));
  bhttp::async_read_some(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, size_t) {
                           self->OnStreamRead(ec);
                         });
}

void Session::OnStreamRead(beast::error_code ec) {
  if (ec) return OnRead(ec);
  auto& body = parser_->get().body();
  if (!body.empty()) {
    auto early = body_stream_->Feed(body);
    body.clear();
    if (early) return Reject(std::move(*early));  // drains the rest before closing
  }
  if (!parser_->is_done()) return ReadStream();
  auto stream = std::move(body_stream_);
  stream->Finish(MakeResponder(parser_->get().keep_alive()));
}

void Session::Dispatch() {
  HttpRequest request = Head();
  request.body = std::move(parser_->get().body());
  const bool keep_alive = parser_->get().keep_alive();
  busy_ = true;
  server_.RequestStarted();
  Responder respond = MakeResponder(keep_alive);
  try {
    server_.handler().Handle(std::move(request), std::move(respond));
  } catch (const std::exception& e) {
    // Handlers return errors as values; an exception here is a bug, not the client's fault.
    // If the Responder was dropped unanswered, the client gets a 500 (see PendingResponse).
    spdlog::error("handler threw: {}", e.what());
  }
}

void Session::Write(HttpResponse response, bool close) {
  self_while_busy_.reset();  // pending I/O (or nothing, if closed) owns the session from here
  if (closed_ || !busy_) {
    if (busy_) server_.RequestFinished();
    busy_ = false;
    return;
  }
  close = close || server_.stopping();
  const bool drain = close && parser_ && !parser_->is_done();  // rejected mid-request
  auto& message = response_.emplace(static_cast<bhttp::status>(response.status), 11);
  message.set(bhttp::field::server, "quell");
  message.set(bhttp::field::content_type, std::move(response.content_type));
  // insert, not set: some headers repeat (Set-Cookie).
  for (auto& [name, value] : response.headers) message.insert(name, value);
  message.body() = std::move(response.body);
  message.keep_alive(!close);
  message.prepare_payload();
  stream_.expires_after(std::chrono::seconds(server_.options().idle_timeout_s));
  bhttp::async_write(stream_, message,
                     [self = shared_from_this(), close, drain](beast::error_code ec, size_t) {
                       self->OnWrite(close, drain, ec);
                     });
}

void Session::OnWrite(bool close, bool drain, beast::error_code ec) {
  busy_ = false;
  response_.reset();
  server_.RequestFinished();
  if (ec) return Close();
  if (drain) return Drain();
  if (close) return Close();
  Read();
}

// After rejecting a request whose body is still arriving, stop sending and read (and drop) what
// the client still sends before closing, so that closing does not reset the connection and
// destroy the response before the client reads it. Bounded in bytes and time.
void Session::Drain() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::chrono::seconds(5));
  stream_.async_read_some(net::buffer(drain_buffer_),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            self->drained_ += n;
                            if (ec || self->drained_ > kDrainLimit) return self->Close();
                            self->Drain();
                          });
}

void Session::Close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

Status BeastServer::Start() {
  if (started_) return Status(StatusCode::kConflict, "the server is already started");
  try {
    beast::error_code ec;
    std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
    auto address = net::ip::make_address(host, ec);
    if (ec) {
      tcp::resolver resolver(ioc_);
      auto results = resolver.resolve(host, std::to_string(options_.port), ec);
      if (ec || results.empty())
        return InvalidArgument("cannot resolve listen host '" + host + "'", "listen");
      address = results.begin()->endpoint().address();
    }
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (!ec) port_ = acceptor_.local_endpoint(ec).port();
    if (ec) {
      beast::error_code ignored;
      acceptor_.close(ignored);
      return Status(StatusCode::kUnavailable,
                    "cannot listen on " + host + ":" + std::to_string(options_.port) + ": " +
                        ec.message(),
                    "listen");
    }
  } catch (const std::exception& e) {  // Asio at the edge: allocation or resolver failures
    return Status(StatusCode::kUnavailable, std::string("cannot listen: ") + e.what(), "listen");
  }
  work_.emplace(ioc_.get_executor());
  net::dispatch(acceptor_.get_executor(), [this] { Accept(); });
  for (int i = 0; i < std::max(1, options_.threads); ++i)
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http server thread: {}", e.what());
        }
      }
    });
  started_ = true;
  return Status::Ok();
}

void BeastServer::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

// On the acceptor's strand.
void BeastServer::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (stopping() || !acceptor_.is_open()) return;
  if (ec) {
    // Out of file descriptors (EMFILE, ENFILE), buffers (ENOBUFS) and the like: accepting again
    // at once would fail again at once, in a tight loop. Back off, doubling, and log once.
    counters_->accept_errors.fetch_add(1, std::memory_order_relaxed);
    if (accept_errors_in_row_++ == 0)
      spdlog::warn("http accept failed: {}; backing off (logged once until accepting works again)",
                   ec.message());
    accept_backoff_ms_ =
        accept_backoff_ms_ == 0
            ? std::max(1, options_.accept_backoff_min_ms)
            : std::min(accept_backoff_ms_ * 2, std::max(1, options_.accept_backoff_max_ms));
    accept_timer_.expires_after(std::chrono::milliseconds(accept_backoff_ms_));
    accept_timer_.async_wait([this](beast::error_code wait_ec) {
      if (wait_ec || stopping() || !acceptor_.is_open()) return;
      Accept();
    });
    return;
  }
  if (accept_errors_in_row_ > 0) {
    spdlog::info("http accept works again after {} failed attempts", accept_errors_in_row_);
    accept_errors_in_row_ = 0;
    accept_backoff_ms_ = 0;
  }
  const int64_t open = counters_->open_connections.load(std::memory_order_relaxed);
  if (open >= options_.max_connections) {
    counters_->refused_connections.fetch_add(1, std::memory_order_relaxed);
    if (refused_in_burst_++ == 0)
      spdlog::warn("http: {} connections open, the limit (max_connections); refusing new ones "
                   "(logged once until one is accepted again)",
                   open);
    RefuseConnection(socket);
  } else {
    if (refused_in_burst_ > 0) {
      spdlog::info("http: accepting connections again; refused {} over the limit",
                   refused_in_burst_);
      refused_in_burst_ = 0;
    }
    counters_->open_connections.fetch_add(1, std::memory_order_relaxed);
    std::make_shared<Session>(std::move(socket), *this)->Start();
  }
  Accept();
}

// A connection over the limit gets a 503 if its send buffer takes it at once (it always does,
// on a fresh socket), then is closed: it costs no session, no buffer and no wait.
void BeastServer::RefuseConnection(tcp::socket& socket) {
  static const std::string kBusy = [] {
    const std::string body = ErrorJson("too_many_connections",
                                       "the server has too many open connections; retry later");
    return "HTTP/1.1 503 Service Unavailable\r\nServer: quell\r\n"
           "Content-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(net::buffer(kBusy), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

std::vector<std::shared_ptr<Session>> BeastServer::LiveSessions() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard lock(mu_);
  live.reserve(sessions_.size());
  for (auto& [raw, weak] : sessions_)
    if (auto s = weak.lock()) live.push_back(std::move(s));
  return live;
}

void BeastServer::Stop() {
  if (!started_ || stopping_.exchange(true)) return;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    accept_timer_.cancel();
  });
  // Idle keep-alive connections close now; busy ones finish their request first (and close
  // after it: Read() sees stopping()).
  for (auto& s : LiveSessions()) s->PostCloseIfIdle();
  {
    std::unique_lock lock(mu_);
    idle_cv_.wait_for(lock, std::chrono::milliseconds(options_.stop_grace_ms),
                      [this] { return in_flight_.load() == 0; });
  }
  {
    // Answers that come later are dropped: nothing may be posted to the io_context from here.
    std::lock_guard lock(gate_->mu);
    gate_->open = false;
  }
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  // Sessions whose handler never answered keep themselves alive; let them go (outside mu_:
  // their destructors unregister).
  auto live = LiveSessions();
  for (auto& s : live) s->ReleaseAfterStop();
}

}  // namespace

std::unique_ptr<HttpServer> NewHttpServer(const ServerOptions& options, Handler& handler) {
  return std::make_unique<BeastServer>(options, handler);
}

}  // namespace quell::http
