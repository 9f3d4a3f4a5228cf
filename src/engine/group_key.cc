#include "engine/group_key.h"

namespace quell::engine {

std::string GroupFieldValue(const model::NormalizedAlert& alert, std::string_view field) {
  if (field == "service") return alert.service;
  if (field == "environment") return alert.environment;
  if (field == "name") return alert.name;
  if (field == "source") return alert.source;
  if (field.substr(0, 7) == "labels.") field.remove_prefix(7);
  auto it = alert.labels.find(std::string(field));
  return it == alert.labels.end() ? std::string() : it->second;
}

std::string GroupKey(const model::NormalizedAlert& alert,
                     const std::vector<std::string>& group_by) {
  std::string key;
  for (const auto& field : group_by) {
    if (!key.empty()) key += '|';
    key += field;
    key += '=';
    key += GroupFieldValue(alert, field);
  }
  return key;
}

}  // namespace quell::engine
