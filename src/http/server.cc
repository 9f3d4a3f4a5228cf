// The Boost.Beast HTTP/1.1 server behind HttpServer. The only translation unit that includes
// Beast/Asio (they cost ~20 s of compile time per TU).
//
// Shape (after Beast's async examples): a Listener accepts connections, each connection is one
// Session on its own strand. A Session reads one request at a time (no pipelining), hands it to
// the Handler and reads the next request only after the Handler's response is written. The
// Responder may run on any thread: it posts the write back onto the session's strand.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "http/server.h"
#include "http/url.h"

namespace quell::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr size_t kHeaderLimit = 16 * 1024;
constexpr size_t kDrainLimit = 8 << 20;  // bytes read and dropped after rejecting a request
constexpr auto kGracePeriod = std::chrono::seconds(5);

std::string ErrorJson(const char* code, const std::string& message) {
  std::string escaped;
  for (char c : message) {
    if (c == '"' || c == '\\') escaped += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) escaped += c;
  }
  return std::string(R"({"error":{"code":")") + code + R"(","message":")" + escaped + "\"}}";
}

class BeastServer;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, BeastServer& server);
  ~Session();
  void Start();
  // Closes the connection, on its strand, if no request is being handled (used by Stop).
  void PostCloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->CloseIfIdle(); });
  }
  void CloseIfIdle();

 private:
  void Read();
  void OnHeader(beast::error_code ec);
  void OnRead(beast::error_code ec);
  HttpRequest Head();
  Responder MakeResponder(bool keep_alive);
  void Dispatch();
  void ReadStream();
  void OnStreamRead(beast::error_code ec);
  void Write(HttpResponse response, bool close);
  void OnWrite(bool close, bool drain, beast::error_code ec);
  void Drain();
  void Close();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<bhttp::response<bhttp::string_body>> response_;
  std::unique_ptr<BodyStream> body_stream_;  // set while a streamed body is being read
  std::array<char, 16384> drain_buffer_{};
  size_t drained_ = 0;
  BeastServer& server_;
  std::string remote_;
  bool busy_ = false;
  bool closed_ = false;
};

class BeastServer final : public HttpServer {
 public:
  BeastServer(const ServerOptions& options, Handler& handler)
      : options_(options), handler_(handler), ioc_(options.threads), acceptor_(ioc_) {}
  ~BeastServer() override { Stop(); }

  Status Start() override;
  uint16_t port() const override { return port_; }
  void Stop() override;

  Handler& handler() { return handler_; }
  const ServerOptions& options() const { return options_; }
  bool stopping() const { return stopping_.load(); }

  void Register(Session* session, std::weak_ptr<Session> weak) {
    std::lock_guard lock(mu_);
    sessions_.emplace(session, std::move(weak));
  }
  void Unregister(Session* session) {
    std::lock_guard lock(mu_);
    sessions_.erase(session);
  }
  void RequestStarted() { ++in_flight_; }
  void RequestFinished() {
    if (--in_flight_ == 0) {
      std::lock_guard lock(mu_);
      idle_cv_.notify_all();
    }
  }

 private:
  void Accept();

  const ServerOptions options_;
  Handler& handler_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::atomic<int> in_flight_{0};
  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
};

Session::Session(tcp::socket socket, BeastServer& server)
    : stream_(std::move(socket)), server_(server) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = endpoint.address().to_string();
  stream_.socket().set_option(tcp::no_delay(true), ec);
}

Session::~Session() { server_.Unregister(this); }

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
  parser_->header_limit(kHeaderLimit);
  // The header check uses the largest limit; OnHeader applies the route's own.
  size_t largest = server_.options().max_body_bytes;
  for (const auto& [path, limit] : server_.options().body_limits) largest = std::max(largest, limit);
  parser_->body_limit(largest);
  stream_.expires_after(std::chrono::seconds(server_.options().idle_timeout_s));
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void Session::OnHeader(beast::error_code ec) {
  if (ec) return OnRead(ec);
  // Some routes (log streams) accept larger bodies; decide before reading any of it.
  std::string_view target = parser_->get().target();
  target = target.substr(0, target.find('?'));
  size_t limit = server_.options().max_body_bytes;
  for (const auto& [path, path_limit] : server_.options().body_limits) {
    if (target == path) {
      limit = path_limit;
      break;
    }
  }
  parser_->body_limit(limit);
  if (auto length = parser_->content_length(); length && *length > limit)
    return OnRead(bhttp::error::body_limit);
  body_stream_ = server_.handler().OpenStream(Head());
  if (body_stream_) {
    busy_ = true;
    server_.RequestStarted();
    return ReadStream();
  }
  if (parser_->is_done()) return OnRead(ec);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code read_ec, size_t) {
                      self->OnRead(read_ec);
                    });
}

void Session::OnRead(beast::error_code ec) {
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset ||
      ec == net::error::eof) {
    return Close();
  }
  if (ec == bhttp::error::body_limit) {
    server_.RequestStarted();
    busy_ = true;
    HttpResponse r{413, "application/json",
                   ErrorJson("payload_too_large", "request body is larger than this route accepts"),
                   {}};
    return Write(std::move(r), true);
  }
  if (ec == bhttp::error::header_limit) {
    server_.RequestStarted();
    busy_ = true;
    return Write({431, "application/json",
                  ErrorJson("header_too_large", "request headers are too large"), {}},
                 true);
  }
  if (ec) {
    if (ec.category() == beast::error_code(bhttp::error::bad_target).category()) {
      // A malformed request: say so, then close.
      server_.RequestStarted();
      busy_ = true;
      return Write({400, "application/json", ErrorJson("bad_request", "malformed HTTP: " + ec.message()), {}},
                   true);
    }
    return Close();
  }
  Dispatch();
}

HttpRequest Session::Head() {
  const auto& message = parser_->get();
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  SplitTarget(request.target, request.path, request.query);
  request.headers.reserve(8);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.remote_address = remote_;
  return request;
}

Responder Session::MakeResponder(bool keep_alive) {
  auto answered = std::make_shared<std::atomic<bool>>(false);
  return [self = shared_from_this(), answered, keep_alive](HttpResponse response) {
    if (answered->exchange(true)) return;  // a second answer is ignored
    net::post(self->stream_.get_executor(),
              [self, keep_alive, response = std::move(response)]() mutable {
                self->Write(std::move(response), !keep_alive);
              });
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
  if (ec == bhttp::error::body_limit) {
    body_stream_.reset();
    return Write({413, "application/json",
                  ErrorJson("payload_too_large", "request body is larger than this route accepts"),
                  {}},
                 true);
  }
  if (ec) {
    body_stream_.reset();
    busy_ = false;
    server_.RequestFinished();
    return Close();
  }
  auto& body = parser_->get().body();
  if (!body.empty()) {
    auto early = body_stream_->Feed(body);
    body.clear();
    if (early) {
      body_stream_.reset();
      return Write(std::move(*early), true);  // drains the rest before closing
    }
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
    spdlog::error("handler threw: {}", e.what());
  }
}

void Session::Write(HttpResponse response, bool close) {
  if (closed_) {
    server_.RequestFinished();
    busy_ = false;
    return;
  }
  const bool drain = close && parser_ && !parser_->is_done();  // rejected mid-request
  response_ = std::make_shared<bhttp::response<bhttp::string_body>>(
      static_cast<bhttp::status>(response.status), 11);
  response_->set(bhttp::field::server, "quell");
  response_->set(bhttp::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) response_->set(name, value);
  response_->body() = std::move(response.body);
  response_->keep_alive(!close);
  response_->prepare_payload();
  stream_.expires_after(std::chrono::seconds(server_.options().idle_timeout_s));
  bhttp::async_write(stream_, *response_,
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
// destroy the response before the client reads it.
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
    if (ec)
      return Status(StatusCode::kUnavailable,
                    "cannot listen on " + host + ":" + std::to_string(options_.port) + ": " +
                        ec.message(),
                    "listen");
    port_ = acceptor_.local_endpoint().port();
  } catch (const std::exception& e) {
    return Status(StatusCode::kUnavailable, std::string("cannot listen: ") + e.what(), "listen");
  }
  work_.emplace(ioc_.get_executor());
  Accept();
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
    if (stopping_) return;
    if (!ec) std::make_shared<Session>(std::move(socket), *this)->Start();
    Accept();
  });
}

void BeastServer::Stop() {
  if (!started_ || stopping_.exchange(true)) return;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  // Idle keep-alive connections close now; busy ones finish their request first.
  {
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(mu_);
      for (auto& [raw, weak] : sessions_)
        if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) s->PostCloseIfIdle();
  }
  {
    std::unique_lock lock(mu_);
    idle_cv_.wait_for(lock, kGracePeriod, [this] { return in_flight_.load() == 0; });
  }
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace

std::unique_ptr<HttpServer> NewHttpServer(const ServerOptions& options, Handler& handler) {
  return std::make_unique<BeastServer>(options, handler);
}

}  // namespace quell::http
