#include "app/config_kinds.h"

#include <spdlog/spdlog.h>

#include <set>

#include "store/config_defined.h"

namespace quell::app {

Status ApplyConfigKinds(store::Store& store, const std::vector<ConfigKind>& kinds) {
  std::vector<std::set<std::string>> before;
  for (const ConfigKind& k : kinds) {
    QUELL_ASSIGN_OR_RETURN(auto names, store::ConfigDefinedNames(store, k.kind));
    std::set<std::string> marked = names;
    marked.insert(k.names.begin(), k.names.end());
    QUELL_RETURN_IF_ERROR(store::SetConfigDefinedNames(store, k.kind, marked));
    for (size_t i = 0; i < k.names.size(); ++i) QUELL_RETURN_IF_ERROR(k.put(i));
    before.push_back(std::move(names));
  }
  for (size_t n = kinds.size(); n-- > 0;) {
    const ConfigKind& k = kinds[n];
    const std::set<std::string> wanted(k.names.begin(), k.names.end());
    for (const std::string& name : before[n]) {
      if (wanted.contains(name)) continue;
      Status removed = k.remove(name);
      if (removed.ok() || removed.code() == StatusCode::kNotFound) {
        spdlog::info("config: {} {} is no longer in the config file: removed", k.kind, name);
      } else {
        spdlog::warn("config: {} {} is no longer in the config file but stays, now as an API "
                     "object: {}",
                     k.kind, name, removed.message());
      }
    }
    QUELL_RETURN_IF_ERROR(store::SetConfigDefinedNames(store, k.kind, wanted));
    if (!k.names.empty()) spdlog::info("config: {} {}(s) from the config file", k.names.size(), k.kind);
  }
  return Status::Ok();
}

}  // namespace quell::app
