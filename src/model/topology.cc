#include "model/topology.h"

#include <algorithm>

namespace quell::model {

Topology::Topology(std::map<std::string, std::set<std::string>> depends_on)
    : depends_on_(std::move(depends_on)) {
  for (const auto& [service, deps] : depends_on_)
    for (const auto& dep : deps) dependents_[dep].insert(service);
}

std::vector<std::string> Topology::DependenciesOf(const std::string& service) const {
  auto it = depends_on_.find(service);
  if (it == depends_on_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<std::string> Topology::DependentsOf(const std::string& service) const {
  auto it = dependents_.find(service);
  if (it == dependents_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<std::string> Topology::NeighboursOf(const std::string& service) const {
  std::set<std::string> all;
  for (auto& s : DependenciesOf(service)) all.insert(s);
  for (auto& s : DependentsOf(service)) all.insert(s);
  all.erase(service);
  return {all.begin(), all.end()};
}

Topology Topology::Merge(const Topology& a, const Topology& b) {
  auto edges = a.depends_on_;
  for (const auto& [service, deps] : b.depends_on_) edges[service].insert(deps.begin(), deps.end());
  return Topology(std::move(edges));
}

}  // namespace quell::model
