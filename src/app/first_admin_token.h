// The first admin token: a start on a database holding no token creates one and leaves it,
// readable by the owner only, in DATA_DIR/admin.token. Of several nodes starting together on
// one empty PostgreSQL database exactly one creates it (a claim in the settings,
// Store::SwapSetting); the others start without one and say so in the log.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace quell::app {

Status EnsureAdminToken(store::Store& store, const std::string& data_dir, const Clock& clock);

}  // namespace quell::app
