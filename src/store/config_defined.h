// Which objects of each kind the config file defines (users, schedules, maintenance windows,
// escalation policies and routes): the names, kept as one settings row
// per kind ("config-defined/<kind>", one name a line), written when Quell starts and applies
// the file (app/config_objects.h). The API reads it to show each object's "source" and to
// refuse to change or delete a config-defined one; the next start reads it to remove the ones
// taken out of the file. Objects themselves stay where their kind keeps them.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/store.h"

namespace quell::store {

// The kinds so far (the row's suffix, and what errors call the object).
inline constexpr std::string_view kConfigUser = "user";
inline constexpr std::string_view kConfigSchedule = "schedule";
inline constexpr std::string_view kConfigMaintenance = "maintenance window";
inline constexpr std::string_view kConfigPolicy = "escalation policy";
// The routes are one object: its one name, so errors say "escalation routes is defined ...".
inline constexpr std::string_view kConfigRoutes = "escalation";
inline constexpr std::string_view kConfigRoutesName = "routes";

Result<std::set<std::string>> ConfigDefinedNames(Store& store, std::string_view kind);
// Replaces the set of config-defined names of `kind` (empty: deletes the row).
Status SetConfigDefinedNames(Store& store, std::string_view kind,
                             const std::set<std::string>& names);
// "config" or "api", as the API shows an object's source.
const char* SourceName(bool config_defined);
// Conflict ("user alice is defined in the config file: change it there") when `name` is a
// config-defined object of `kind`; Ok otherwise. The API answers 409 with it.
Status RefuseConfigDefined(Store& store, std::string_view kind, const std::string& name);

}  // namespace quell::store
