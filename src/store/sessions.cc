#include "store/sessions.h"

#include <algorithm>

#include "common/hash.h"

namespace quell::store {

Result<NewSession> CreateSession(Store& store, int64_t token_id, TimeMs token_expires_at,
                                 TimeMs now, TimeMs ttl_ms) {
  NewSession created{RandomHex(32), RandomHex(32), now + ttl_ms};
  if (token_expires_at != 0) created.expires_at = std::min(created.expires_at, token_expires_at);
  Session session;
  session.id_hash = Sha256Hex(created.id);
  session.token_id = token_id;
  session.csrf = created.csrf;
  session.created_at = now;
  session.expires_at = created.expires_at;
  QUELL_RETURN_IF_ERROR(store.InsertSession(session));
  return created;
}

Result<std::string> CreateLoginCode(Store& store, int64_t token_id, TimeMs now) {
  std::string code = "qc_" + RandomHex(16);
  QUELL_RETURN_IF_ERROR(
      store.InsertLoginCode(Sha256Hex(code), token_id, now, now + kLoginCodeTtlMs));
  return code;
}

}  // namespace quell::store
