// Child processes for tests: starting a program with its output in a file (optionally as an
// unprivileged user, or outliving the test), running one to completion, stopping one by PID,
// and a free loopback port for servers that cannot take port 0. Test-only code.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace quell::testing {

struct SpawnOptions {
  // When this process runs as root: run the child as `nobody` (PostgreSQL refuses root).
  bool drop_root = false;
  // The child gets SIGTERM when the thread that started it ends (a crashed test leaves no server
  // behind). Off for a server meant to outlive its starter.
  bool die_with_parent = false;
  // A session of its own (no signals from the starter's terminal or process group).
  bool new_session = false;
};

// Starts `args` (args[0] is looked up in PATH) with stdout and stderr appended to `log_path`
// and stdin from /dev/null. Returns the child's PID, or -1 when fork failed.
pid_t SpawnProcess(const std::vector<std::string>& args, const std::string& log_path,
                   const SpawnOptions& options = {});

// Runs `args` to completion with its output in `log_path` (appended); returns the exit status
// (0: success), or -1 when it did not start or was killed.
int RunProcess(const std::vector<std::string>& args, const std::string& log_path,
               const SpawnOptions& options = {});

// SIGTERM (or SIGKILL) and reap.
void StopProcess(pid_t pid, bool kill_hard = false);

// Whether `pid` is a running process (a zombie, which a container's init may never reap, is
// not).
bool ProcessAlive(pid_t pid);

// A TCP port on 127.0.0.1 that was free a moment ago (for servers that cannot take port 0).
uint16_t FreeLoopbackPort();

// The uid and gid children run as with SpawnOptions::drop_root (nobody's).
uid_t UnprivilegedUid();
gid_t UnprivilegedGid();

}  // namespace quell::testing
