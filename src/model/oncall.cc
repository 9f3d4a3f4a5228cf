#include "model/oncall.h"

#include <algorithm>

namespace quell::model {

Status CheckOnCallName(std::string_view name, const std::string& field) {
  const bool ok =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
      });
  if (ok) return Status::Ok();
  return InvalidArgument(field + " must be 1-64 letters, digits, '.', '_' or '-'", field);
}

}  // namespace quell::model
