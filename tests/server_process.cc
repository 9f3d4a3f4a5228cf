#include "server_process.h"

#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <sstream>
#include <thread>

namespace quell::testing {

namespace {

// Waits (at most 60 s: under the sanitizers on a loaded 2-core machine a start has been seen to
// take over 30 s) until the server's output, from the last `start_mark` on, has its "listening
// on http://127.0.0.1:PORT" line and, when `then_line` is set, a whole line beginning with it
// after. Returns the port, or 0 when the process exits first (pid set to -1) or time runs out.
uint16_t WaitUntilListening(pid_t& pid, const std::function<std::string()>& output,
                            const std::string& start_mark, const std::string& then_line) {
  const std::string listening = "listening on http://127.0.0.1:";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = output();
    const size_t from = start_mark.empty() ? 0 : text.rfind(start_mark);
    const size_t at = text.find(listening, from == std::string::npos ? 0 : from);
    const size_t then = at == std::string::npos || then_line.empty() ? at : text.find(then_line, at);
    const size_t digits = at + listening.size();
    const size_t end = at == std::string::npos ? at : text.find_first_not_of("0123456789", digits);
    if (then != std::string::npos && end != std::string::npos && end > digits &&
        (then_line.empty() || text.find('\n', then) != std::string::npos))
      return static_cast<uint16_t>(std::stoi(text.substr(digits, end - digits)));
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

}  // namespace

std::string QuellBinary() {
  const char* bin = std::getenv("QUELL_BIN");
  return bin ? bin : QUELL_DEFAULT_BIN;
}

std::string SourceDir() {
  const char* dir = std::getenv("QUELL_SOURCE_DIR");
  return dir ? dir : QUELL_DEFAULT_SOURCE_DIR;
}

ServerProcess::ServerProcess() {
  char tmpl[] = "/tmp/quell_it_XXXXXX";
  data_dir_ = ::mkdtemp(tmpl);
  log_path_ = data_dir_ + "/server.log";
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
  std::error_code ec;
  std::filesystem::remove_all(data_dir_, ec);
}

bool ServerProcess::Start(const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {QuellBinary(), "serve", "--listen", "127.0.0.1:0",
                                   "--data-dir", data_dir_ + "/data"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::ofstream(log_path_, std::ios::app) << "--- start\n";
  pid_ = SpawnProcess(args, log_path_);
  port_ = WaitUntilListening(pid_, [this] { return log(); }, "--- start", "");
  return port_ != 0;
}

std::optional<double> MetricSample(const std::string& metrics_body, const std::string& series) {
  std::istringstream lines(metrics_body);
  for (std::string line; std::getline(lines, line);)
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  return std::nullopt;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

void ServerProcess::Kill() {
  StopProcess(pid_, true);
  pid_ = -1;
}

std::string RunQuell(const std::string& args, int* exit_code) {
  const std::string cmd = QuellBinary() + " " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (pipe && std::fgets(buf, sizeof buf, pipe)) out += buf;
  const int status = pipe ? ::pclose(pipe) : -1;
  if (exit_code) *exit_code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string ServerProcess::CreateToken(const std::string& name, const std::string& scope) const {
  std::string command = QuellBinary() + " token create --data-dir " + data_dir_ + "/data --name " +
                        name + " --scope " + scope;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {};
  char buffer[256] = {};
  std::string out;
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  if (::pclose(pipe) != 0) return {};
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string ServerProcess::admin_token() const {
  std::ifstream in(data_dir_ + "/data/admin.token");
  std::string token;
  std::getline(in, token);
  return token;
}

std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ServerProcess::log() const { return ReadTextFile(log_path_); }

TerminalServer::~TerminalServer() { Stop(); }

bool TerminalServer::Start(const std::string& data_dir,
                           const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {QuellBinary(), "serve", "--listen", "127.0.0.1:0",
                                   "--data-dir", data_dir};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::forkpty(&terminal_, nullptr, nullptr, nullptr);
  if (pid_ == 0) {
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (pid_ < 0) return false;
  // Drained until the server exits: a full terminal would block its writes, and closing it
  // would hang the server up.
  reader_ = std::thread([this] {
    char buffer[4096];
    for (;;) {
      ssize_t n = ::read(terminal_, buffer, sizeof buffer);
      if (n <= 0) break;
      std::lock_guard lock(mu_);
      output_.append(buffer, static_cast<size_t>(n));
    }
  });
  port_ = WaitUntilListening(pid_, [this] { return output(); }, "", "Dashboard:");
  return port_ != 0;
}

void TerminalServer::Stop() {
  if (pid_ > 0) StopProcess(pid_);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();  // the read ends (EIO) once the server is gone
  if (terminal_ >= 0) ::close(terminal_);
  terminal_ = -1;
}

std::string TerminalServer::output() const {
  std::lock_guard lock(mu_);
  return output_;
}

std::unique_ptr<httplib::Client> ServerProcess::NewClient() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_read_timeout(30, 0);
  return client;
}

namespace {

httplib::Headers AuthHeaders(const std::string& token) {
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  return headers;
}

}  // namespace

HttpResult ServerProcess::Get(const std::string& path, const std::string& token) const {
  auto client = NewClient();
  auto res = client->Get(path, AuthHeaders(token));
  if (!res) return {};
  return {res->status, res->body};
}

HttpResult ServerProcess::Post(const std::string& path, const std::string& body,
                               const std::string& token, const std::string& content_type) const {
  auto client = NewClient();
  auto res = client->Post(path, AuthHeaders(token), body, content_type);
  if (!res) return {};
  return {res->status, res->body};
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace quell::testing
