// Topology: which services depend on which. A failure propagates to callers (the API logs errors
// when Redis is down), so the engine groups alerts of related services into one incident and the
// analyst ranks root-cause candidates along these edges. Plain data; immutable once shared.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace quell::model {

class Topology {
 public:
  Topology() = default;
  // service -> the services it calls (depends_on).
  explicit Topology(std::map<std::string, std::set<std::string>> depends_on);

  const std::map<std::string, std::set<std::string>>& depends_on() const { return depends_on_; }
  // Services `service` calls directly.
  std::vector<std::string> DependenciesOf(const std::string& service) const;
  // Services that call `service` directly.
  std::vector<std::string> DependentsOf(const std::string& service) const;
  // Direct dependencies and dependents, sorted, without `service` itself.
  std::vector<std::string> NeighboursOf(const std::string& service) const;
  bool empty() const { return depends_on_.empty(); }
  // The union of both graphs' edges.
  static Topology Merge(const Topology& a, const Topology& b);

 private:
  std::map<std::string, std::set<std::string>> depends_on_;
  std::map<std::string, std::set<std::string>> dependents_;
};

}  // namespace quell::model
