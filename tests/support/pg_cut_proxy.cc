#include "support/pg_cut_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace quell::testing {
namespace {

// Requests a client sends before its StartupMessage, which the server answers with one byte.
constexpr uint32_t kSslRequest = 80877103;
constexpr uint32_t kGssEncRequest = 80877104;

uint32_t ReadBigEndian(const std::string& bytes, size_t at) {
  uint32_t n = 0;
  std::memcpy(&n, bytes.data() + at, 4);
  return ntohl(n);
}

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<size_t>(sent);
  }
  return true;
}

bool StartsWith(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

}  // namespace

Result<std::unique_ptr<PgCutProxy>> PgCutProxy::Start(uint16_t server_port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Error(Internal("socket failed"));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return Error(Internal("cannot listen on 127.0.0.1"));
  }
  return std::unique_ptr<PgCutProxy>(new PgCutProxy(fd, ntohs(address.sin_port), server_port));
}

PgCutProxy::PgCutProxy(int listener, uint16_t port, uint16_t server_port)
    : listener_(listener), port_(port), server_port_(server_port) {
  acceptor_ = std::thread([this] { Accept(); });
}

PgCutProxy::~PgCutProxy() {
  stop_ = true;
  acceptor_.join();
  ::close(listener_);
  std::vector<std::thread> relays;
  {
    std::lock_guard lock(mu_);
    relays.swap(relays_);
  }
  for (auto& relay : relays) relay.join();
}

std::string PgCutProxy::Url(const std::string& url) const {
  const std::string host = "@127.0.0.1:";
  const size_t at = url.find(host);
  if (at == std::string::npos) return url;
  const size_t port_end = std::min(url.find('/', at + host.size()), url.size());
  return url.substr(0, at + host.size()) + std::to_string(port_) + url.substr(port_end);
}

void PgCutProxy::Arm(const std::string& needle, Cut cut) {
  std::lock_guard lock(mu_);
  needle_ = needle;
  cut_ = cut;
}

void PgCutProxy::Accept() {
  while (!stop_) {
    pollfd ready{listener_, POLLIN, 0};
    if (::poll(&ready, 1, 50) <= 0) continue;
    const int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    if (refuse_) {
      ::close(client);
      continue;
    }
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(server_port_);
    if (server < 0 || ::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof(address))) {
      if (server >= 0) ::close(server);
      ::close(client);  // the server is away: so is the proxy
      continue;
    }
    std::lock_guard lock(mu_);
    relays_.emplace_back([this, client, server] { Relay(client, server); });
  }
}

bool PgCutProxy::CutsAt(char type, const std::string& body, bool& carried, Cut& cut) {
  std::lock_guard lock(mu_);
  if (type == 'Q' && (StartsWith(body, "BEGIN") || StartsWith(body, "ROLLBACK"))) carried = false;
  if (!needle_.empty() && body.find(needle_) != std::string::npos) carried = true;
  if (type != 'Q' || !StartsWith(body, "COMMIT") || !carried || needle_.empty()) return false;
  needle_.clear();  // once
  cut = cut_;
  return true;
}

// Both directions until either side closes. The client's bytes are split into messages (the
// first ones untyped: SSLRequest, GSSENCRequest, StartupMessage) so that a COMMIT is seen whole.
void PgCutProxy::Relay(int client, int server) {
  std::string pending;     // client bytes not yet forwarded: at most one partial message
  bool started = false;    // past the StartupMessage: messages have a type byte
  bool carried = false;    // the needle was in this transaction
  char buffer[65536];
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  while (!stop_) {
    if (::poll(fds, 2, 50) <= 0) continue;
    if (fds[1].revents) {
      const ssize_t n = ::recv(server, buffer, sizeof(buffer), 0);
      if (n <= 0 || !SendAll(client, buffer, static_cast<size_t>(n))) break;
    }
    if (!fds[0].revents) continue;
    const ssize_t n = ::recv(client, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    pending.append(buffer, static_cast<size_t>(n));
    bool cut_here = false;
    Cut cut = Cut::kAfterCommitSent;
    size_t done = 0;  // bytes of `pending` that are whole messages, checked
    for (;;) {
      const size_t header = started ? 5 : 4;
      if (pending.size() - done < header) break;
      const size_t size = (started ? 1 : 0) + ReadBigEndian(pending, done + (started ? 1 : 0));
      if (pending.size() - done < size) break;
      if (!started) {
        const uint32_t code = ReadBigEndian(pending, done + 4);
        started = code != kSslRequest && code != kGssEncRequest;
      } else if (CutsAt(pending[done], pending.substr(done + 5, size - 5), carried, cut)) {
        if (cut == Cut::kAfterCommitSent) done += size;  // the COMMIT goes through
        cut_here = true;
        break;
      }
      done += size;
    }
    if (!SendAll(server, pending.data(), done)) break;
    pending.erase(0, done);
    if (cut_here) {
      ++cuts_;
      ::close(client);  // the client loses the answer at once
      // The server reads what was sent, then the end of the stream: closed only then, since
      // closing a socket with unread data resets the connection.
      ::shutdown(server, SHUT_WR);
      pollfd drain{server, POLLIN, 0};
      while (::poll(&drain, 1, 5000) > 0 && ::recv(server, buffer, sizeof(buffer), 0) > 0) {
      }
      ::close(server);
      return;
    }
  }
  ::close(client);
  ::close(server);
}

}  // namespace quell::testing
