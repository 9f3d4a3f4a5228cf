// The hand-made analyst scenarios of bench/scenarios: an incident bundle plus the answer a good
// on-call engineer would give ("expected": root_service, deploy or null, severity, rule or
// "none", and generic: true when only generic words can diagnose it). "known_misses" maps a
// field the analyst gets wrong today to why ({"root_service": "..."}): the benchmark counts it
// as a miss, the regression test checks it is still missed, so a fix must remove the entry.
// analyst_bench and the scenario regression test both run them through RunScenario, on the same
// fixed clock.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyst.h"
#include "common/clock.h"
#include "common/status.h"

namespace quell::app {

// Scenarios are analysed an hour after 2026-11-24T06:00Z, where their alerts start, so the
// duration part of severity does not depend on when the check runs.
inline constexpr TimeMs kScenarioNow = 1'795'500'000'000 + 3'600'000;

struct ScenarioAnswer {
  std::string root_service;
  std::string deploy;  // "" when no deploy is guilty
  std::string severity;
  std::string rule;    // "none" when no rule applies
  bool generic = false;
};

struct ScenarioRun {
  ScenarioAnswer want, got;
  std::map<std::string, std::string> known_misses;  // field -> why the analyst misses it
  model::Analysis analysis;
};

// Loads a scenario document and analyses it. `got.deploy` is the prime deploy suspect only;
// `got.generic` means the analysis hedged its cause ("Possibly ...") and capped its confidence.
Result<ScenarioRun> RunScenario(std::string_view json, analysis::Analyst& analyst);

// The *.json files of a directory, sorted by name.
std::vector<std::filesystem::path> ScenarioFiles(const std::filesystem::path& dir);

}  // namespace quell::app
