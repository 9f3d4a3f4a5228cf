#include "analysis/analyst.h"
#include "common/hash.h"

namespace quell::analysis {

std::string EvidenceHash(const EvidencePack& pack) {
  std::string key = std::to_string(pack.incident.id);
  for (const auto& a : pack.alerts) {
    key += '|';
    key += a.data.fingerprint;
    key += model::AlertStatusName(a.data.status);
  }
  for (const auto& d : pack.deploys) key += "|d" + d.service + "@" + d.id + d.status;
  for (const auto& t : pack.log_templates)
    key += "|t" + t.service + std::to_string(t.template_id) + (t.is_new ? "n" : "") +
           (t.is_surging ? "s" : "");
  for (const auto& s : pack.similar) key += "|s" + std::to_string(s.incident_id);
  for (const auto& [service, deps] : pack.topology.depends_on())
    for (const auto& dep : deps) key += "|e" + service + ">" + dep;
  return Hex16(Xxh3(key));
}

}  // namespace quell::analysis
