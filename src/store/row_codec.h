// Text encodings of the map/list fields stored in TEXT columns (JSON objects and arrays), and
// the enum names. Shared by the backends (both store these fields as JSON text).
#pragma once

#include <string>
#include <vector>

#include "model/alert.h"

namespace quell::store {

std::string EncodeStringMap(const model::Labels& map);
model::Labels DecodeStringMap(const std::string& text);
std::string EncodeMetrics(const model::Metrics& metrics);
model::Metrics DecodeMetrics(const std::string& text);
std::string EncodeList(const std::vector<std::string>& list);
std::vector<std::string> DecodeList(const std::string& text);

}  // namespace quell::store
