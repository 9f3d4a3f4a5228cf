#include "store/config_defined.h"

namespace quell::store {
namespace {

std::string Key(std::string_view kind) { return "config-defined/" + std::string(kind); }

}  // namespace

Result<std::set<std::string>> ConfigDefinedNames(Store& store, std::string_view kind) {
  QUELL_ASSIGN_OR_RETURN(auto text, store.GetSetting(Key(kind)));
  std::set<std::string> names;
  if (!text) return names;
  size_t from = 0;
  while (from < text->size()) {
    size_t end = text->find('\n', from);
    if (end == std::string::npos) end = text->size();
    if (end > from) names.insert(text->substr(from, end - from));
    from = end + 1;
  }
  return names;
}

Status SetConfigDefinedNames(Store& store, std::string_view kind,
                             const std::set<std::string>& names) {
  if (names.empty()) {
    auto deleted = store.DeleteSetting(Key(kind));
    return deleted ? Status::Ok() : deleted.error();
  }
  // Names never hold a newline: every kind checks them (model::CheckOnCallName).
  std::string text;
  for (const std::string& name : names) text += name + "\n";
  return store.PutSetting(Key(kind), text);
}

const char* SourceName(bool config_defined) { return config_defined ? "config" : "api"; }

Status RefuseConfigDefined(Store& store, std::string_view kind, const std::string& name) {
  QUELL_ASSIGN_OR_RETURN(auto names, ConfigDefinedNames(store, kind));
  if (!names.contains(name)) return Status::Ok();
  return Conflict(std::string(kind) + " " + name +
                  " is defined in the config file (source: config): change it there and restart");
}

}  // namespace quell::store
