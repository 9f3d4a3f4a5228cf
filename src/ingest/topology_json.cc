#include "ingest/topology_json.h"

#include <boost/json.hpp>

namespace quell::ingest {

namespace json = boost::json;

Result<model::Topology> ParseTopologyJson(const json::value& v, const std::string& prefix) {
  if (!v.is_object()) return Error(InvalidArgument(prefix + " must be an object", prefix));
  const json::object* services = &v.get_object();
  std::string base = prefix;
  if (const json::value* s = services->if_contains("services")) {
    if (!s->is_object())
      return Error(InvalidArgument(prefix + ".services must be an object", prefix + ".services"));
    services = &s->get_object();
    base += ".services";
  }
  std::map<std::string, std::set<std::string>> deps;
  for (const auto& [name, entry] : *services) {
    std::string path = base + "." + std::string(name);
    if (name.empty()) return Error(InvalidArgument(base + " has an empty service name", base));
    const json::value* list = &entry;
    if (entry.is_object()) {
      list = entry.get_object().if_contains("depends_on");
      path += ".depends_on";
    }
    if (!list || !list->is_array())
      return Error(InvalidArgument(path + " must be an array of service names", path));
    auto& set = deps[std::string(name)];
    for (size_t i = 0; i < list->get_array().size(); ++i) {
      const auto& d = list->get_array()[i];
      std::string at = path + "[" + std::to_string(i) + "]";
      if (!d.is_string() || d.get_string().empty())
        return Error(InvalidArgument(at + " must be a service name", at));
      if (d.get_string() == name)
        return Error(InvalidArgument(at + ": a service cannot depend on itself", at));
      set.insert(std::string(d.get_string()));
    }
  }
  return model::Topology(std::move(deps));
}

json::value TopologyToJson(const model::Topology& topology) {
  json::object services;
  for (const auto& [name, deps] : topology.depends_on()) {
    json::array list;
    for (const auto& d : deps) list.emplace_back(d);
    services[name] = json::object{{"depends_on", std::move(list)}};
  }
  return json::object{{"services", std::move(services)}};
}

}  // namespace quell::ingest
