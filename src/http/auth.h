// Bearer-token authentication for the API. Verified tokens are cached in memory by hash so a
// request costs one SHA-256 and a map lookup; unknown hashes go to the Store. Thread-safe.
// Tokens never reach a log line or an error message.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "common/status.h"
#include "http/server.h"
#include "store/store.h"
#include "store/tokens.h"

namespace quell::http {

class Authenticator {
 public:
  explicit Authenticator(store::Store& store) : store_(store) {}

  // Ok, or Unauthenticated (missing/unknown token) or PermissionDenied (scope too small), each
  // with field "authorization".
  Status Check(const HttpRequest& request, store::Scope needed);

 private:
  store::Store& store_;
  std::mutex mu_;
  std::unordered_map<std::string, std::string> scope_by_hash_;
};

}  // namespace quell::http
