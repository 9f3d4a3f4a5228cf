// A minimal blocking HTTP/1.1 keep-alive client for load generation: one socket, requests
// pre-serialised, responses read by Content-Length. Cheap enough that the load generator does
// not become the bottleneck on a 2-core machine. Loopback only. Not thread-safe: one per thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace quell::bench {

class LoadClient {
 public:
  explicit LoadClient(uint16_t port) : port_(port) {}
  ~LoadClient() {
    if (fd_ >= 0) ::close(fd_);
  }

  // Sends one request and reads the response; returns the HTTP status or 0 on failure.
  int Send(const std::string& request) {
    if (fd_ < 0 && !Connect()) return 0;
    size_t sent = 0;
    while (sent < request.size()) {
      ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return Reset();
      sent += static_cast<size_t>(n);
    }
    // Read until headers end, then the body by Content-Length.
    buffer_.clear();
    size_t header_end = std::string::npos;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore()) return Reset();
    }
    int status = std::atoi(buffer_.c_str() + 9);
    size_t length = 0;
    size_t cl = FindHeader("content-length:", header_end);
    if (cl != std::string::npos) length = std::strtoul(buffer_.c_str() + cl, nullptr, 10);
    while (buffer_.size() < header_end + 4 + length) {
      if (!ReadMore()) return Reset();
    }
    last_headers_ = buffer_.substr(0, header_end);
    last_body_ = buffer_.substr(header_end + 4, length);
    return status;
  }

  const std::string& last_body() const { return last_body_; }
  // The status line and headers of the last response, without the blank line.
  const std::string& last_headers() const { return last_headers_; }

  static std::string Get(const std::string& path, const std::string& auth_header = "") {
    std::string r = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!auth_header.empty()) r += auth_header + "\r\n";
    return r + "\r\n";
  }

  static std::string Post(const std::string& path, const std::string& body,
                          const std::string& auth_header,
                          const std::string& content_type = "application/json") {
    std::string r = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " +
                     content_type + "\r\n";
    if (!auth_header.empty()) r += auth_header + "\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return r;
  }

 private:
  bool Connect() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
      return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
  }
  bool ReadMore() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  int Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    return 0;
  }
  size_t FindHeader(const char* name, size_t header_end) {
    size_t len = std::strlen(name);
    for (size_t i = 0; i + len < header_end; ++i) {
      if (strncasecmp(buffer_.c_str() + i, name, len) == 0) {
        size_t v = i + len;
        while (buffer_[v] == ' ') ++v;
        return v;
      }
    }
    return std::string::npos;
  }

  uint16_t port_;
  int fd_ = -1;
  std::string buffer_;
  std::string last_body_;
  std::string last_headers_;
};

}  // namespace quell::bench
