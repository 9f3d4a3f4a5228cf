#include "store/sqlite/row_codec.h"

#include <boost/json.hpp>

namespace quell::store {

namespace json = boost::json;

namespace {

json::value ParseOrNull(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

}  // namespace

std::string EncodeStringMap(const model::Labels& map) {
  if (map.empty()) return "{}";
  json::object obj;
  for (const auto& [k, v] : map) obj[k] = v;
  return json::serialize(obj);
}

model::Labels DecodeStringMap(const std::string& text) {
  model::Labels out;
  json::value v = ParseOrNull(text);
  if (!v.is_object()) return out;
  for (const auto& [k, item] : v.get_object())
    if (item.is_string()) out.emplace(std::string(k), std::string(item.get_string()));
  return out;
}

std::string EncodeMetrics(const model::Metrics& metrics) {
  if (metrics.empty()) return "{}";
  json::object obj;
  for (const auto& [k, v] : metrics) obj[k] = v;
  return json::serialize(obj);
}

model::Metrics DecodeMetrics(const std::string& text) {
  model::Metrics out;
  json::value v = ParseOrNull(text);
  if (!v.is_object()) return out;
  for (const auto& [k, item] : v.get_object())
    if (item.is_number()) out.emplace(std::string(k), item.to_number<double>());
  return out;
}

std::string EncodeList(const std::vector<std::string>& list) {
  json::array arr;
  for (const auto& s : list) arr.emplace_back(s);
  return json::serialize(arr);
}

std::vector<std::string> DecodeList(const std::string& text) {
  std::vector<std::string> out;
  json::value v = ParseOrNull(text);
  if (!v.is_array()) return out;
  for (const auto& item : v.get_array())
    if (item.is_string()) out.emplace_back(item.get_string());
  return out;
}

}  // namespace quell::store
