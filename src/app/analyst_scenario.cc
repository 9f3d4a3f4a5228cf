#include "app/analyst_scenario.h"

#include <algorithm>

#include <boost/json.hpp>

#include "analysis/builtin_analyst.h"
#include "app/incident_bundle.h"
#include "ingest/json_body.h"

namespace quell::app {
namespace {

namespace json = boost::json;

Result<std::string> Field(const json::object& expected, const char* key, bool nullable = false) {
  const json::value* v = expected.if_contains(key);
  if (v && v->is_string()) return std::string(v->get_string());
  if (v && nullable && v->is_null()) return std::string();
  return Error(InvalidArgument(std::string("expected.") + key + " must be a string",
                               std::string("expected.") + key));
}

}  // namespace

Result<ScenarioRun> RunScenario(std::string_view text, analysis::Analyst& analyst) {
  QUELL_ASSIGN_OR_RETURN(json::value doc, ingest::ParseJsonBody(text));
  const json::value* expected = doc.is_object() ? doc.as_object().if_contains("expected") : nullptr;
  if (!expected || !expected->is_object())
    return Error(InvalidArgument("a scenario needs an \"expected\" object", "expected"));
  const json::object& e = expected->get_object();
  ScenarioRun run;
  QUELL_ASSIGN_OR_RETURN(run.want.root_service, Field(e, "root_service"));
  QUELL_ASSIGN_OR_RETURN(run.want.deploy, Field(e, "deploy", /*nullable=*/true));
  QUELL_ASSIGN_OR_RETURN(run.want.severity, Field(e, "severity"));
  QUELL_ASSIGN_OR_RETURN(run.want.rule, Field(e, "rule"));
  if (const json::value* g = e.if_contains("generic"); g && g->is_bool())
    run.want.generic = g->get_bool();
  if (const json::value* m = e.if_contains("known_misses"); m && m->is_object())
    for (const auto& [field, why] : m->get_object())
      run.known_misses[std::string(field)] = why.is_string() ? std::string(why.get_string()) : "";

  QUELL_ASSIGN_OR_RETURN(auto pack, LoadIncidentBundle(text, kScenarioNow));
  QUELL_ASSIGN_OR_RETURN(run.analysis, analyst.Analyze(pack));
  const model::Analysis& a = run.analysis;
  if (!a.service_suspects.empty()) run.got.root_service = a.service_suspects[0].service;
  if (!a.deploy_suspects.empty() && a.deploy_suspects[0].score >= analysis::kPrimeDeployScore)
    run.got.deploy = a.deploy_suspects[0].id;
  run.got.severity = model::SeverityName(a.severity);
  run.got.rule = analysis::DiagnosedRule(a);
  if (run.got.rule.empty()) run.got.rule = "none";
  run.got.generic = analysis::IsGenericDiagnosis(a);
  return run;
}

std::vector<std::filesystem::path> ScenarioFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace quell::app
