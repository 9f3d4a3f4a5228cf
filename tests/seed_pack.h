// The seed example as an evidence pack: one api-gateway alert ("Redis timeout", latency 4200 ms,
// deploy 441), incident 1. The model-path tests start from it. Header-only, test-only.
#pragma once

#include <string>

#include "analysis/evidence_pack.h"

namespace quell::testing {

inline analysis::EvidencePack SeedPack(std::string message = "Redis timeout") {
  analysis::EvidencePack pack;
  pack.incident.id = 1;
  pack.incident.services = {"api-gateway"};
  pack.incident.title = "api-gateway: Redis timeout";
  model::Alert a;
  a.data.service = "api-gateway";
  a.data.message = std::move(message);
  a.data.metrics = {{"latency", 4200}};
  a.data.deploy = "441";
  a.data.fingerprint = "f1";
  a.first_seen = 1'800'000'000'000;
  pack.alerts = {a};
  pack.now = a.first_seen + 60000;
  return pack;
}

}  // namespace quell::testing
