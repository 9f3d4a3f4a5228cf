// The SQLite schema as numbered migrations. Append only: never edit a released step.
#pragma once

#include <vector>

namespace quell::store {

// Migration i (0-based) brings the schema from user_version i to i + 1.
const std::vector<const char*>& SqliteMigrations();

}  // namespace quell::store
