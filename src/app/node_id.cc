#include "app/node_id.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/hash.h"

namespace quell::app {
namespace {

bool ValidNodeId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '.' || c == '_' || c == '-'))
      return false;
  return true;
}

// Writes `id` to a file of its own, then links it in as `path`: the id is in place whole or not
// at all, and of two processes racing the first link wins (the other reads it). Whether it was
// linked (false: `path` was there).
Result<bool> LinkNewId(const std::string& path, const std::string& id) {
  const std::string temp = path + "." + RandomHex(8) + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error(Internal("cannot write " + temp + ": " + std::strerror(errno)));
  const std::string line = id + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  const int linked = ok ? ::link(temp.c_str(), path.c_str()) : -1;
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (!ok) return Error(Internal("cannot write " + temp));
  if (linked == 0) return true;
  if (link_errno == EEXIST) return false;
  return Error(Internal("cannot create " + path + ": " + std::strerror(link_errno)));
}

}  // namespace

Result<std::string> ReadOrCreateNodeId(const std::string& data_dir) {
  const std::string path = data_dir + "/node-id";
  if (::access(path.c_str(), F_OK) != 0) {
    const std::string id = RandomHex(8);
    QUELL_ASSIGN_OR_RETURN(bool linked, LinkNewId(path, id));
    if (linked) return id;
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.is_open()) return Error(InvalidArgument("cannot read " + path, "data_dir"));
  std::string id = text.str();
  if (!id.empty() && id.back() == '\n') id.pop_back();
  if (!ValidNodeId(id))
    return Error(InvalidArgument(path + " must hold a node id: 1 to 64 of A-Z a-z 0-9 . _ - "
                                 "(delete it to get a new one)",
                                 "data_dir"));
  return id;
}

int64_t NodeIdLockKey(const std::string& node_id) {
  return static_cast<int64_t>(Xxh3("quell node id " + node_id));
}

}  // namespace quell::app
