// PgCutProxy: a TCP proxy on 127.0.0.1 between PostgreSQL clients and the tests' server that
// can cut a connection at a COMMIT, as PostgreSQL going away (or the network failing) at that
// moment does: the client loses the COMMIT's answer, and the server either received the COMMIT
// (and commits) or did not (and rolls back). It reads the protocol's message framing from the
// client, so the cut falls exactly on the COMMIT of the transaction the test means, wherever the
// client (a `quell serve` process, a store) runs. Test-only code.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace quell::testing {

class PgCutProxy {
 public:
  enum class Cut {
    kAfterCommitSent,   // the COMMIT reaches the server, its answer never reaches the client
    kBeforeCommitSent,  // the connection breaks as the client sends COMMIT; the server never
                        // sees it
  };

  // Listens on a free 127.0.0.1 port and relays each connection to `server_port`.
  static Result<std::unique_ptr<PgCutProxy>> Start(uint16_t server_port);
  // Stops relaying and closes every connection.
  ~PgCutProxy();
  PgCutProxy(const PgCutProxy&) = delete;
  PgCutProxy& operator=(const PgCutProxy&) = delete;

  uint16_t port() const { return port_; }
  // `url` (postgresql://...@127.0.0.1:PORT/...) with the proxy's port.
  std::string Url(const std::string& url) const;
  // Cuts, once, the connection that sends COMMIT for a transaction in which some message
  // carried `needle` (a parameter, a statement).
  void Arm(const std::string& needle, Cut cut);
  // While set, new connections are closed at once, as by a server that is away.
  void Refuse(bool refuse) { refuse_ = refuse; }
  // Connections cut so far.
  int cuts() const { return cuts_; }

 private:
  PgCutProxy(int listener, uint16_t port, uint16_t server_port);
  void Accept();
  void Relay(int client, int server);
  // Whether the client's message (type byte and body) is where to cut.
  bool CutsAt(char type, const std::string& body, bool& carried, Cut& cut);

  const int listener_;
  const uint16_t port_;
  const uint16_t server_port_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> refuse_{false};
  std::atomic<int> cuts_{0};
  std::mutex mu_;
  std::string needle_;  // guarded by mu_; empty: not armed
  Cut cut_ = Cut::kAfterCommitSent;
  std::vector<std::thread> relays_;  // guarded by mu_
  std::thread acceptor_;
};

}  // namespace quell::testing
