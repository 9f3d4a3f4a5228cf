// The generic part of objects written in the config file: for each kind (users, schedules,
// maintenance windows; escalation policies and routes next), store what the file defines,
// remove what an earlier start defined and the file no longer does, and record which names are
// config-defined (store/config_defined.h) so the API shows their source and refuses to change
// them. A kind only says how to store and remove one of its objects.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace quell::app {

struct ConfigKind {
  std::string_view kind;           // store::kConfigUser, ...
  std::vector<std::string> names;  // what the file defines, in its order
  // Stores names[i]'s object, creating it or replacing the one of that name (an API-created
  // object of the same name becomes config-defined).
  std::function<Status(size_t i)> put;
  // Removes one taken out of the file; NotFound is fine (already gone). Any other failure
  // (a user still named by an API-created schedule) leaves it in place as an API object.
  std::function<Status(const std::string& name)> remove;
};

// Applies the kinds: puts in the given order (a schedule's users before the schedule), then
// removes in the reverse order (the schedule before its users). The names are marked
// config-defined before an object is written, so none is ever writable through the API.
Status ApplyConfigKinds(store::Store& store, const std::vector<ConfigKind>& kinds);

}  // namespace quell::app
