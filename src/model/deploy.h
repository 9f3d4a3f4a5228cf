// Deploy: a release of a service, as deploy tooling reports it (POST /api/v1/deploys).
// Plain data.
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"

namespace quell::model {

struct Deploy {
  int64_t id = 0;
  std::string service;
  std::string environment;
  std::string version;      // the version or deploy id users name ("441", "2.3.0")
  std::string commit;
  std::string author;
  TimeMs started_at = 0;
  TimeMs finished_at = 0;   // 0 while running or unknown
  std::string status;       // started | succeeded | failed | rolled_back | ...
  std::string description;
  std::string url;
  TimeMs received_at = 0;
  std::string raw_json;

  // When it took effect: finished_at, else started_at, else when Quell heard of it.
  TimeMs EffectiveAt() const {
    return finished_at ? finished_at : started_at ? started_at : received_at;
  }
};

}  // namespace quell::model
