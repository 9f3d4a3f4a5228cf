#include "app/first_admin_token.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include <spdlog/spdlog.h>

#include "store/tokens.h"

namespace quell::app {
namespace {

constexpr const char* kClaim = "auth.first_admin_token";  // "<claimed at, ms>"
constexpr TimeMs kClaimTtlMs = kMinuteMs;  // older: the start that took it died before the end

// Takes the right to create the first admin token; the claim's value, or nullopt when another
// node holds it.
Result<std::optional<std::string>> Claim(store::Store& store, TimeMs now) {
  const std::string mine = std::to_string(now);
  QUELL_ASSIGN_OR_RETURN(bool taken, store.SwapSetting(kClaim, std::nullopt, mine));
  if (!taken) {
    QUELL_ASSIGN_OR_RETURN(auto held, store.GetSetting(kClaim));
    TimeMs since = 0;
    if (held) std::from_chars(held->data(), held->data() + held->size(), since);
    if (held && now - since < kClaimTtlMs) return std::optional<std::string>();
    QUELL_ASSIGN_OR_RETURN(taken, store.SwapSetting(kClaim, held, mine));
  }
  if (!taken) return std::optional<std::string>();
  return std::optional<std::string>(mine);
}

Status WriteSecret(const std::string& data_dir, const std::string& secret) {
  std::string path = data_dir + "/admin.token";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot write " + path + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  std::string line = secret + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) return Internal("cannot write " + path);
  return Status::Ok();
}

}  // namespace

Status EnsureAdminToken(store::Store& store, const std::string& data_dir, const Clock& clock) {
  QUELL_ASSIGN_OR_RETURN(auto tokens, store.ListTokens());
  if (!tokens.empty()) return Status::Ok();
  QUELL_ASSIGN_OR_RETURN(auto claim, Claim(store, clock.Now()));
  if (!claim) {
    spdlog::info("another node is creating the first admin token (in its own data dir)");
    return Status::Ok();
  }
  // Released whatever happens: a database whose tokens were all revoked gets a new one at the
  // next start, as before.
  struct Release {
    store::Store& store;
    const std::string& value;
    ~Release() { (void)store.SwapSetting(kClaim, value, std::nullopt); }
  } release{store, *claim};
  // The node that held the claim just before this one may have created it.
  QUELL_ASSIGN_OR_RETURN(tokens, store.ListTokens());
  if (!tokens.empty()) return Status::Ok();
  QUELL_ASSIGN_OR_RETURN(std::string secret,
                         store::CreateToken(store, "admin", "admin", clock.Now()));
  return WriteSecret(data_dir, secret);
}

}  // namespace quell::app
