// PrivatePostgres: a PostgreSQL server of the tests' own: `initdb` into a directory, `postgres`
// on a free 127.0.0.1 port with its unix socket in that directory, stopped by its PID. As root
// (initdb refuses it) the server runs as `nobody`. Tuned for tests: no fsync, trust auth for
// the superuser `quell`. Test-only code; not thread-safe, but its databases may be used from
// any thread or process.
//
// TestPostgres() is what tests use: one server for a whole ctest run (CMake's `postgres` test
// fixture starts it with `quell_test_postgres start DIR`), else one per test binary, and a
// fresh database per test from CreateTestDatabase().
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace quell::testing {

class PrivatePostgres {
 public:
  // Creates `dir` (which must not hold a server), runs initdb into it and starts the server;
  // waits until it accepts connections. With `outlive_starter` the server keeps running after
  // this process exits (the ctest fixture); otherwise it gets SIGTERM when the starting thread
  // ends. Fails with a message saying what to install when the PostgreSQL binaries are missing.
  static Result<std::unique_ptr<PrivatePostgres>> Start(const std::string& dir,
                                                        bool outlive_starter = false);
  // The server another process started in `dir` (from the state file Start writes there).
  static Result<std::unique_ptr<PrivatePostgres>> Attach(const std::string& dir);

  // Stops an owned server (Start) when it is not stopped yet; an attached one keeps running.
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  // Fast shutdown by PID (SIGINT), SIGKILL after 30 s, then removes the directory.
  Status Stop();
  // Leaves the server running when this object goes (the ctest fixture's `start`).
  void Detach() { owned_ = false; }
  // Stops the server (fast shutdown) and keeps its data; Resume starts it again on the same
  // port: PostgreSQL restarting under its clients.
  Status Pause();
  Status Resume();
  // Pause, pg_resetwal -e `epoch`, Resume: the server's xids (xid8) go on in that epoch, as on a
  // server that has used 2^32 xids `epoch` times.
  Status SetXidEpoch(uint32_t epoch);

  uint16_t port() const { return port_; }
  // The directory of the server's programs (psql, pg_ctl, ...).
  const std::string& bin_dir() const { return bin_dir_; }
  pid_t pid() const { return pid_; }
  // postgresql://quell@127.0.0.1:PORT/DATABASE
  std::string Url(const std::string& database) const;
  // CREATE DATABASE with a name no other test process uses; returns its URL.
  Result<std::string> CreateDatabase() const;

 private:
  // Starts `postgres` on the initialised data dir in `dir` on `port`; AlreadyExists when the port
  // is taken.
  static Result<std::unique_ptr<PrivatePostgres>> Serve(const std::string& dir,
                                                        const std::string& bin, uint16_t port,
                                                        bool outlive_starter);
  PrivatePostgres(std::string dir, std::string bin_dir, uint16_t port, pid_t pid, bool owned)
      : dir_(std::move(dir)), bin_dir_(std::move(bin_dir)), port_(port), pid_(pid), owned_(owned) {}

  std::string dir_;
  std::string bin_dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool owned_ = false;  // started (and to be stopped) by this object
};

// The tests' server: the one running in $QUELL_TEST_PG_DIR, or in the build's fixture directory
// (ctest), else one this process starts at first use and stops when its tests end (a gtest
// Environment). An error (never a skip) when PostgreSQL is missing.
Result<PrivatePostgres*> TestPostgres();

// A fresh, empty database on the tests' server: its URL.
Result<std::string> CreateTestDatabase();

}  // namespace quell::testing
