#include "support/private_postgres.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "support/process.h"

namespace quell::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The last lines of a log, for error messages.
std::string Tail(const fs::path& path) {
  std::string text = ReadText(path);
  return text.size() > 1500 ? "..." + text.substr(text.size() - 1500) : text;
}

// The directory of initdb, postgres and psql: $QUELL_PG_BINDIR, else Debian's.
Result<std::string> FindBinDir() {
  if (const char* env = std::getenv("QUELL_PG_BINDIR"); env && *env) {
    if (fs::exists(fs::path(env) / "initdb")) return std::string(env);
    return Error(Unavailable(std::string("QUELL_PG_BINDIR=") + env + " has no initdb"));
  }
  for (const char* version : {"17", "16", "15"}) {
    const fs::path dir = fs::path("/usr/lib/postgresql") / version / "bin";
    if (fs::exists(dir / "initdb") && fs::exists(dir / "postgres")) return dir.string();
  }
  return Error(Unavailable(
      "PostgreSQL server binaries (initdb, postgres) not found in /usr/lib/postgresql/*/bin: "
      "install postgresql-15 (scripts/deps.sh --test does) or set QUELL_PG_BINDIR"));
}

// postmaster.pid's eighth line is the server's state; "ready" once it accepts connections
// (what `pg_ctl -w` waits for).
bool PostmasterReady(const fs::path& data_dir) {
  std::istringstream lines(ReadText(data_dir / "postmaster.pid"));
  std::string line;
  for (int i = 0; i < 8 && std::getline(lines, line); ++i) {
  }
  return line.rfind("ready", 0) == 0;
}

// Waits until `pid` is gone (reaping it when it is our child); false after `timeout`.
bool WaitGone(pid_t pid, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    ::waitpid(pid, &status, WNOHANG);
    if (!ProcessAlive(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<PrivatePostgres>> PrivatePostgres::Start(const std::string& dir,
                                                                bool outlive_starter) {
  QUELL_ASSIGN_OR_RETURN(std::string bin, FindBinDir());
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) return Error(Internal("cannot create " + dir + ": " + ec.message()));
  // The server runs as nobody when we are root: it must own its directory.
  if (::geteuid() == 0 && ::chown(dir.c_str(), UnprivilegedUid(), UnprivilegedGid()) != 0)
    return Error(Internal("cannot chown " + dir + " to nobody"));
  const fs::path data = fs::path(dir) / "data";
  const fs::path initdb_log = fs::path(dir) / "initdb.log";
  if (RunProcess({bin + "/initdb", "-D", data.string(), "-U", "quell", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync", "--no-instructions"},
                 initdb_log.string(), SpawnOptions{.drop_root = true}) != 0)
    return Error(Internal("initdb failed: " + Tail(initdb_log)));

  for (int attempt = 0; attempt < 3; ++attempt) {
    // The port was free a moment ago; another process may take it first: then try another.
    auto started = Serve(dir, bin, FreeLoopbackPort(), outlive_starter);
    if (started || started.error().code() != StatusCode::kAlreadyExists) return started;
  }
  return Error(Internal("postgres found no free port"));
}

Result<std::unique_ptr<PrivatePostgres>> PrivatePostgres::Serve(const std::string& dir,
                                                                const std::string& bin,
                                                                uint16_t port,
                                                                bool outlive_starter) {
  const fs::path data = fs::path(dir) / "data";
  const SpawnOptions as_server{
      .drop_root = true, .die_with_parent = !outlive_starter, .new_session = outlive_starter};
  const fs::path log = fs::path(dir) / "postgres.log";
  {  // one attempt on `port`
    const pid_t pid =
        SpawnProcess({bin + "/postgres", "-D", data.string(), "-p", std::to_string(port), "-c",
                      "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir, "-c",
                      "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                      "-c", "max_connections=200", "-c", "shared_buffers=32MB"},
                     log.string(), as_server);
    if (pid < 0) return Error(Internal("cannot fork postgres"));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline && !PostmasterReady(data)) {
      int status = 0;
      ::waitpid(pid, &status, WNOHANG);
      if (!ProcessAlive(pid)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (PostmasterReady(data) && ProcessAlive(pid)) {
      std::ofstream(fs::path(dir) / "server") << port << ' ' << pid << '\n';
      return std::unique_ptr<PrivatePostgres>(
          new PrivatePostgres(dir, bin, port, pid, /*owned=*/true));
    }
    if (ProcessAlive(pid)) {
      ::kill(pid, SIGKILL);
      WaitGone(pid, std::chrono::seconds(10));
      return Error(Internal("postgres did not become ready in 60 s: " + Tail(log)));
    }
    if (ReadText(log).find("already in use") == std::string::npos)
      return Error(Internal("postgres did not start: " + Tail(log)));
    return Error({StatusCode::kAlreadyExists, "port in use: " + Tail(log)});
  }
}

Status PrivatePostgres::Pause() {
  if (pid_ <= 0 || !ProcessAlive(pid_)) return Internal("no server to pause");
  ::kill(pid_, SIGINT);
  if (!WaitGone(pid_, std::chrono::seconds(30))) return Internal("postgres did not stop");
  pid_ = -1;
  return Status::Ok();
}

Status PrivatePostgres::Resume() {
  QUELL_ASSIGN_OR_RETURN(auto again, Serve(dir_, bin_dir_, port_, /*outlive_starter=*/false));
  pid_ = again->pid_;
  again->owned_ = false;  // this object stops it
  again->pid_ = -1;
  return Status::Ok();
}

Status PrivatePostgres::SetXidEpoch(uint32_t epoch) {
  QUELL_RETURN_IF_ERROR(Pause());
  const fs::path log = fs::path(dir_) / "pg_resetwal.log";
  if (RunProcess({bin_dir_ + "/pg_resetwal", "-e", std::to_string(epoch), "-D",
                  (fs::path(dir_) / "data").string()},
                 log.string(), SpawnOptions{.drop_root = true}) != 0)
    return Internal("pg_resetwal failed: " + Tail(log));
  return Resume();
}

Result<std::unique_ptr<PrivatePostgres>> PrivatePostgres::Attach(const std::string& dir) {
  QUELL_ASSIGN_OR_RETURN(std::string bin, FindBinDir());
  std::istringstream state(ReadText(fs::path(dir) / "server"));
  int port = 0;
  pid_t pid = -1;
  if (!(state >> port >> pid) || !ProcessAlive(pid))
    return Error(Unavailable("no PostgreSQL server runs in " + dir));
  return std::unique_ptr<PrivatePostgres>(
      new PrivatePostgres(dir, bin, static_cast<uint16_t>(port), pid, /*owned=*/false));
}

PrivatePostgres::~PrivatePostgres() {
  if (owned_) (void)Stop();
}

Status PrivatePostgres::Stop() {
  if (pid_ > 0 && ProcessAlive(pid_)) {
    ::kill(pid_, SIGINT);  // fast shutdown: ends sessions, no waiting for clients
    if (!WaitGone(pid_, std::chrono::seconds(30))) {
      ::kill(pid_, SIGKILL);
      WaitGone(pid_, std::chrono::seconds(10));
    }
  }
  pid_ = -1;
  owned_ = false;
  std::error_code ec;
  fs::remove_all(dir_, ec);
  return ec ? Internal("cannot remove " + dir_ + ": " + ec.message()) : Status::Ok();
}

std::string PrivatePostgres::Url(const std::string& database) const {
  return "postgresql://quell@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

Result<std::string> PrivatePostgres::CreateDatabase() const {
  // Unique across the processes sharing the server, and across PIDs reused during a run.
  static std::atomic<int> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::string name =
      "quell_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count() %
                     100000000);
  const fs::path log =
      fs::temp_directory_path() / ("quell_psql_" + std::to_string(::getpid()) + ".log");
  const int exit = RunProcess(
      {bin_dir_ + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
       std::to_string(port_), "-U", "quell", "-d", "postgres", "-c", "CREATE DATABASE " + name},
      log.string());
  std::string output = ReadText(log);
  std::error_code ec;
  fs::remove(log, ec);
  if (exit != 0) return Error(Internal("CREATE DATABASE " + name + " failed: " + output));
  return Url(name);
}

namespace {

std::mutex test_server_mu;
std::unique_ptr<PrivatePostgres> test_server;  // guarded by test_server_mu
Status test_server_failure;  // the first start's failure, not retried for every test

// Stops the server this process started once its tests are done.
class StopTestPostgres : public ::testing::Environment {
 public:
  void TearDown() override {
    std::lock_guard lock(test_server_mu);
    test_server.reset();
  }
};

[[maybe_unused]] ::testing::Environment* const kStopTestPostgres =
    ::testing::AddGlobalTestEnvironment(new StopTestPostgres);

}  // namespace

Result<PrivatePostgres*> TestPostgres() {
  std::lock_guard lock(test_server_mu);
  if (test_server) return test_server.get();
  if (!test_server_failure.ok()) return Error(test_server_failure);
  Result<std::unique_ptr<PrivatePostgres>> server = Error(Internal("unreachable"));
  const char* shared = std::getenv("QUELL_TEST_PG_DIR");
#ifdef QUELL_TEST_PG_DIR
  if (!shared || !*shared) shared = QUELL_TEST_PG_DIR;
#endif
  if (shared && *shared) server = PrivatePostgres::Attach(shared);
  if (!server) {
    server = PrivatePostgres::Start(
        (fs::temp_directory_path() / ("quell_pg_" + std::to_string(::getpid()))).string());
  }
  if (!server) {
    test_server_failure = server.error();
    return Error(server.error());
  }
  test_server = std::move(*server);
  return test_server.get();
}

Result<std::string> CreateTestDatabase() {
  QUELL_ASSIGN_OR_RETURN(PrivatePostgres * server, TestPostgres());
  return server->CreateDatabase();
}

}  // namespace quell::testing
