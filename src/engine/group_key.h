// The group key: which alerts share an incident (EngineOptions::group_by). Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/alert.h"

namespace quell::engine {

// The value of one group_by field for an alert: "service", "environment", "name", "source", or
// any label name (also written "labels.NAME"). Missing values are empty.
std::string GroupFieldValue(const model::NormalizedAlert& alert, std::string_view field);

// "service=api-gateway|environment=prod" for group_by {service, environment}.
std::string GroupKey(const model::NormalizedAlert& alert, const std::vector<std::string>& group_by);

}  // namespace quell::engine
