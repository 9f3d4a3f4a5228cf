#include "support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace quell::testing {

uid_t UnprivilegedUid() {
  const passwd* nobody = ::getpwnam("nobody");
  return nobody ? nobody->pw_uid : 65534;
}

gid_t UnprivilegedGid() {
  const passwd* nobody = ::getpwnam("nobody");
  return nobody ? nobody->pw_gid : 65534;
}

pid_t SpawnProcess(const std::vector<std::string>& args, const std::string& log_path,
                   const SpawnOptions& options) {
  // Everything is prepared before fork: the child of a multi-threaded process (fake servers run
  // threads in this one) may only call async-signal-safe functions. Allocating there can
  // deadlock on a lock another thread held at fork time (seen under ASan: a server that never
  // started).
  std::vector<std::string> owned(args);
  std::vector<char*> argv;
  for (auto& a : owned) argv.push_back(a.data());
  argv.push_back(nullptr);
  const bool drop = options.drop_root && ::geteuid() == 0;
  const uid_t uid = drop ? UnprivilegedUid() : 0;
  const gid_t gid = drop ? UnprivilegedGid() : 0;
  const int fd = ::open(log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(null_fd, 0);
    ::dup2(fd, 1);  // dup2 clears close-on-exec on the copies
    ::dup2(fd, 2);
    if (options.new_session) ::setsid();
    if (drop && (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0))
      ::_exit(126);
    // After setuid: changing credentials clears the parent-death signal.
    if (options.die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  if (fd >= 0) ::close(fd);
  if (null_fd >= 0) ::close(null_fd);
  return pid;
}

int RunProcess(const std::vector<std::string>& args, const std::string& log_path,
               const SpawnOptions& options) {
  const pid_t pid = SpawnProcess(args, log_path, options);
  if (pid < 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void StopProcess(pid_t pid, bool kill_hard) {
  if (pid <= 0) return;
  ::kill(pid, kill_hard ? SIGKILL : SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

bool ProcessAlive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  // /proc/PID/stat: "pid (comm) S ...": the state follows the last ')'.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() || text[paren + 2] != 'Z';
}

uint16_t FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace quell::testing
