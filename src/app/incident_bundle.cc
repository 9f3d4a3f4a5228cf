#include "app/incident_bundle.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <boost/json.hpp>

#include "analysis/anomaly/rate_increase.h"
#include "analysis/builtin_analyst.h"
#include "analysis/llm/llm_analyst.h"
#include "net/http_client.h"
#include "analysis/logmine/template_miner.h"
#include "ingest/generic_alert.h"
#include "ingest/json_body.h"
#include "ingest/topology_json.h"
#include "model/json_codec.h"
#include "model/log_entry.h"

namespace quell::app {
namespace {

namespace json = boost::json;

std::string Text(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

Result<TimeMs> OptionalTime(const json::object& o, const char* key, const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return 0;
  return ingest::ReadTimestamp(*v, path + "." + key);
}

struct TemplateStats {
  uint64_t count = 0, before = 0;
  TimeMs first = 0, last = 0;
  std::string level;
  std::vector<std::string> samples;
};

}  // namespace

Result<analysis::EvidencePack> LoadIncidentBundle(std::string_view text, TimeMs now) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ingest::ParseJsonBody(text));
  if (!root.is_object()) return Error(InvalidArgument("a bundle is a JSON object", "body"));
  const json::object& obj = root.get_object();
  analysis::EvidencePack pack;
  pack.now = now;

  // Alerts (a single alert object is a bundle of one).
  const json::value* alerts = obj.if_contains("alerts");
  std::string alerts_text = alerts ? json::serialize(*alerts) : json::serialize(root);
  QUELL_ASSIGN_OR_RETURN(auto parsed, ingest::ParseGenericAlerts(alerts_text));
  if (!parsed.item_errors.empty()) return Error(parsed.item_errors[0]);
  std::set<std::string> services;
  TimeMs first_symptom = 0;
  int64_t id = 1;
  for (auto& a : parsed.alerts) {
    model::Alert alert;
    alert.id = id++;
    alert.incident_id = 1;
    TimeMs t = a.starts_at > 0 ? a.starts_at : a.ends_at > 0 ? a.ends_at : now;
    alert.first_seen = alert.last_seen = t;
    alert.count = 1;
    if (first_symptom == 0 || t < first_symptom) first_symptom = t;
    services.insert(a.service);
    alert.data = std::move(a);
    pack.alerts.push_back(std::move(alert));
  }
  pack.incident.id = 1;
  pack.incident.services.assign(services.begin(), services.end());
  pack.incident.opened_at = first_symptom;
  pack.incident.alert_count = static_cast<int64_t>(pack.alerts.size());
  pack.incident.title = pack.alerts.empty() ? "" : pack.alerts[0].data.service + ": " +
                                                       (pack.alerts[0].data.name.empty()
                                                            ? pack.alerts[0].data.message
                                                            : pack.alerts[0].data.name);

  if (const json::value* topology = obj.if_contains("topology")) {
    QUELL_ASSIGN_OR_RETURN(pack.topology, ingest::ParseTopologyJson(*topology));
  }

  // The logs' baseline ends at the earliest deploy that has log lines before it (a deploy made
  // before the logs begin leaves nothing to compare with), else 10 minutes before the first
  // symptom. Bad timestamps are reported when the logs are read below.
  TimeMs logs_begin = 0;
  if (const json::value* logs = obj.if_contains("logs"); logs && logs->is_array())
    for (const auto& l : logs->get_array())
      if (l.is_object())
        if (auto ts = OptionalTime(l.get_object(), "ts", "logs"); ts && *ts > 0)
          logs_begin = logs_begin == 0 ? *ts : std::min(logs_begin, *ts);
  TimeMs baseline_end = 0;
  if (const json::value* deploys = obj.if_contains("deploys")) {
    if (!deploys->is_array()) return Error(InvalidArgument("deploys must be an array", "deploys"));
    for (size_t i = 0; i < deploys->get_array().size(); ++i) {
      std::string path = "deploys[" + std::to_string(i) + "]";
      const auto& d = deploys->get_array()[i];
      if (!d.is_object()) return Error(InvalidArgument(path + " must be an object", path));
      const auto& o = d.get_object();
      analysis::deploys::DeployFacts f;
      f.service = Text(o, "service");
      if (f.service.empty()) return Error(InvalidArgument(path + ".service is required", path + ".service"));
      f.version = Text(o, "version");
      f.id = Text(o, "id");
      if (f.id.empty()) f.id = f.version;
      if (f.version.empty()) f.version = f.id;
      if (f.id.empty())
        return Error(InvalidArgument(path + ".version or id is required", path + ".version"));
      f.status = Text(o, "status");
      f.author = Text(o, "author");
      f.commit = Text(o, "commit");
      QUELL_ASSIGN_OR_RETURN(TimeMs started, OptionalTime(o, "started_at", path));
      QUELL_ASSIGN_OR_RETURN(TimeMs finished, OptionalTime(o, "finished_at", path));
      f.at = finished > 0 ? finished : started;
      if (const json::value* inst = o.if_contains("instances"); inst && inst->is_array())
        for (const auto& instance : inst->get_array())
          if (instance.is_string()) f.instances.emplace_back(instance.get_string());
      if (f.at > 0 && logs_begin > 0 && f.at > logs_begin && (baseline_end == 0 || f.at < baseline_end))
        baseline_end = f.at;
      pack.deploys.push_back(std::move(f));
    }
  }
  if (baseline_end == 0 && first_symptom > 0) baseline_end = first_symptom - 10 * kMinuteMs;

  if (const json::value* logs = obj.if_contains("logs")) {
    if (!logs->is_array()) return Error(InvalidArgument("logs must be an array", "logs"));
    std::map<std::string, analysis::logmine::TemplateMiner> miners;
    std::map<std::pair<std::string, uint64_t>, TemplateStats> stats;
    TimeMs log_start = 0, log_end = 0;
    for (size_t i = 0; i < logs->get_array().size(); ++i) {
      std::string path = "logs[" + std::to_string(i) + "]";
      const auto& l = logs->get_array()[i];
      if (!l.is_object()) return Error(InvalidArgument(path + " must be an object", path));
      const auto& o = l.get_object();
      std::string service = Text(o, "service"), message = Text(o, "message");
      if (service.empty()) return Error(InvalidArgument(path + ".service is required", path + ".service"));
      QUELL_ASSIGN_OR_RETURN(TimeMs ts, OptionalTime(o, "ts", path));
      std::string level = Text(o, "level");
      auto result = miners[service].Add(message);
      auto& s = stats[{service, result.cluster_id}];
      ++s.count;
      if (ts > 0 && ts < baseline_end) ++s.before;
      if (s.first == 0 || (ts > 0 && ts < s.first)) s.first = ts;
      s.last = std::max(s.last, ts);
      if (model::LogLevelRank(level) > model::LogLevelRank(s.level)) s.level = level;
      if (s.samples.size() < 3) s.samples.push_back(message);
      if (model::IsErrorLevel(level) && pack.error_lines.size() < 500)
        pack.error_lines.push_back({service, ts, level, message, Text(o, "instance")});
      if (ts > 0) {
        if (log_start == 0 || ts < log_start) log_start = ts;
        log_end = std::max(log_end, ts);
      }
    }
    // Merge stats of clusters the miner merged, then decide new/surging.
    std::map<std::pair<std::string, uint64_t>, TemplateStats> merged;
    for (auto& [key, s] : stats) {
      const auto* cluster = miners[key.first].Find(key.second);
      uint64_t id_now = cluster ? cluster->id : key.second;
      auto& m = merged[{key.first, id_now}];
      m.count += s.count;
      m.before += s.before;
      m.first = m.first == 0 ? s.first : std::min(m.first, s.first);
      m.last = std::max(m.last, s.last);
      if (model::LogLevelRank(s.level) > model::LogLevelRank(m.level)) m.level = s.level;
      for (auto& sample : s.samples)
        if (m.samples.size() < 3) m.samples.push_back(sample);
    }
    // Surging: significantly more lines than the baseline rate predicts (Poisson test); new:
    // never seen before the baseline end. Without lines before it there is no baseline.
    const bool baseline_known = log_start > 0 && log_start < baseline_end;
    const double before_minutes = (baseline_end - log_start) / 60000.0;
    const double after_minutes = std::max(1.0, (log_end - baseline_end) / 60000.0);
    for (auto& [key, s] : merged) {
      analysis::LogTemplateEvidence t;
      t.service = key.first;
      t.template_id = key.second;
      const auto* cluster = miners[key.first].Find(key.second);
      t.text = cluster ? cluster->Template() : s.samples.front();
      t.level = s.level;
      t.count = s.count;
      t.first_seen = s.first;
      t.last_seen = s.last;
      const uint64_t after = s.count - s.before;
      t.baseline_known = baseline_known;
      t.is_new = baseline_known && s.before == 0 && after > 0;
      t.is_surging = baseline_known &&
                     analysis::anomaly::SignificantIncrease(after, after_minutes, s.before,
                                                            std::max(1.0, before_minutes));
      t.samples = std::move(s.samples);
      pack.log_templates.push_back(std::move(t));
    }
  }
  return pack;
}

int RunAnalyze(const AnalyzeOptions& options) {
  const std::string& path = options.path;
  std::stringstream content;
  if (path == "-") {
    content << std::cin.rdbuf();
  } else {
    std::ifstream in(path);
    if (!in) {
      std::fprintf(stderr, "quell: cannot read %s\n", path.c_str());
      return 2;
    }
    content << in.rdbuf();
  }
  SystemClock clock;
  auto pack = LoadIncidentBundle(content.str(), clock.Now());
  if (!pack) {
    std::fprintf(stderr, "quell: %s\n", pack.error().ToString().c_str());
    return 2;
  }
  analysis::BuiltinAnalyst builtin;
  std::unique_ptr<net::HttpClient> http;
  std::unique_ptr<analysis::llm::LlmAnalyst> llm;
  analysis::Analyst* analyst = &builtin;
  if (options.llm != "none") {
    http = net::NewCurlHttpClient();
    analysis::llm::LlmClientOptions o;
    o.provider = options.llm;
    o.url = options.llm_url;
    o.model = options.model;
    o.timeout_s = options.timeout_s;
    // Secrets come from the environment, never from the command line (ps shows it).
    if (const char* key = std::getenv("QUELL_LLM_API_KEY")) o.api_key = key;
    auto client = analysis::llm::NewLlmClient(*http, o);
    if (!client) {
      std::fprintf(stderr, "quell: --llm: %s\n", client.error().message().c_str());
      return 2;
    }
    llm = std::make_unique<analysis::llm::LlmAnalyst>(std::move(*client), builtin,
                                                      analysis::llm::LlmOptions{});
    analyst = llm.get();
  }
  auto result = analyst->Analyze(*pack);
  if (!result) {
    std::fprintf(stderr, "quell: %s\n", result.error().ToString().c_str());
    return 1;
  }
  result->created_at = clock.Now();
  result->input_hash = analysis::EvidenceHash(*pack);
  std::printf("%s\n", model::AnalysisToJsonText(*result).c_str());
  return 0;
}

}  // namespace quell::app
