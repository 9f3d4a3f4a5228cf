// ServerProcess: runs the real `quell serve` binary for integration tests, on 127.0.0.1 with a
// kernel-chosen free port (--listen 127.0.0.1:0) and a fresh temp data dir, and stops it by PID.
// Also a tiny HTTP client over cpp-httplib. Test-only code.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "support/process.h"

namespace quell::testing {

struct HttpResult {
  int status = 0;  // 0: connection failed
  std::string body;
};

class ServerProcess {
 public:
  // Creates a temp data dir (kept across Restart, removed by the destructor).
  ServerProcess();
  ~ServerProcess();

  // Starts `quell serve` with extra arguments and waits until it prints its port.
  // Returns false (with the server's output in `log()`) if it did not come up.
  bool Start(const std::vector<std::string>& extra_args = {});
  // SIGTERM and wait; returns the exit status (as from waitpid) or -1.
  int Stop();
  // SIGKILL and wait.
  void Kill();

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string admin_token() const;
  // Runs `quell token create` on the server's data dir (while it runs) and returns the token,
  // or empty on failure.
  std::string CreateToken(const std::string& name, const std::string& scope) const;
  std::string log() const;

  HttpResult Get(const std::string& path, const std::string& token) const;
  HttpResult Post(const std::string& path, const std::string& body, const std::string& token,
                  const std::string& content_type = "application/json") const;
  std::unique_ptr<httplib::Client> NewClient() const;

 private:
  std::string data_dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// `quell serve` with its stdout and stderr on a pseudo-terminal, as when run from a console
// (it prints a sign-in link only there). Its output is read as it comes; stopped by SIGTERM.
class TerminalServer {
 public:
  TerminalServer() = default;
  ~TerminalServer();
  // Starts `quell serve --listen 127.0.0.1:0 --data-dir DATA_DIR ARGS` and waits until it has
  // printed its "Dashboard:" line. Returns false (see output()) if it did not come up.
  bool Start(const std::string& data_dir, const std::vector<std::string>& extra_args = {});
  void Stop();
  uint16_t port() const { return port_; }
  std::string output() const;

 private:
  pid_t pid_ = -1;
  int terminal_ = -1;  // the pseudo-terminal's controlling side
  uint16_t port_ = 0;
  mutable std::mutex mu_;
  std::string output_;
  std::thread reader_;
};

// Path of the quell binary under test (QUELL_BIN, set by CMake).
std::string QuellBinary();

// Runs `quell <args>` through the shell (args may redirect stdin or pipe into it) and returns
// its stdout and stderr together; `exit_code`, if given, gets the exit status (-1: no exit).
std::string RunQuell(const std::string& args, int* exit_code = nullptr);

// The repository root (test data), QUELL_SOURCE_DIR or the one this binary was built from.
std::string SourceDir();

// The whole text of a file; "" if it cannot be read.
std::string ReadTextFile(const std::string& path);

// The value of one sample of a /metrics body: `series` is a name, or a name with its labels as
// rendered (`quell_x_total{channel="telegram"}`); nullopt when it is not there.
std::optional<double> MetricSample(const std::string& metrics_body, const std::string& series);

// Polls `done` every 20 ms until it holds or `timeout` passes; whether it held.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

}  // namespace quell::testing
