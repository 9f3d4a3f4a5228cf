#include "analysis/builtin_analyst.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "analysis/anomaly/alert_anomaly.h"
#include "analysis/change_cues.h"
#include "analysis/confidence_calibration.h"
#include "analysis/deploys/deploy_correlation.h"
#include "analysis/rules/severity_rules.h"
#include "analysis/stacktrace/stack_trace.h"
#include "analysis/topology/service_ranking.h"
#include "common/time_format.h"
#include "model/log_entry.h"

namespace quell::analysis {
namespace {

using model::Alert;
using model::AlertStatus;

std::string AlertText(const Alert& a) {
  if (!a.data.message.empty() && !a.data.name.empty() && a.data.message != a.data.name)
    return a.data.name + ": " + a.data.message;
  return a.data.message.empty() ? a.data.name : a.data.message;
}

TimeMs FirstSymptom(const EvidencePack& pack) {
  TimeMs first = 0;
  for (const auto& a : pack.alerts) {
    TimeMs t = a.data.starts_at > 0 ? a.data.starts_at : a.first_seen;
    if (t > 0 && (first == 0 || t < first)) first = t;
  }
  return first != 0 ? first : pack.incident.opened_at;
}

std::string Label(const Alert& a, const char* key) {
  auto it = a.data.labels.find(key);
  return it == a.data.labels.end() ? std::string() : it->second;
}

// The first line of a text, at most 120 bytes (not cutting a UTF-8 sequence).
std::string Headline(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > 120) {
    size_t cut = 117;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    line = line.substr(0, cut) + "...";
  }
  return line;
}

// Anomaly strength of one significant error template (about a medium alert's).
constexpr double kTemplateStrength = 0.5;

std::string JoinWords(const std::vector<std::string>& items, size_t max_items = 4) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < max_items; ++i) {
    if (i) out += i + 1 == items.size() || i + 1 == max_items ? " and " : ", ";
    out += items[i];
  }
  if (items.size() > max_items) out += fmt::format(" and {} more", items.size() - max_items);
  return out;
}

}  // namespace

Result<model::Analysis> BuiltinAnalyst::Analyze(const EvidencePack& pack) {
  model::Analysis out;
  out.analyzer = "builtin";
  const TimeMs first_symptom = FirstSymptom(pack);

  // --- Signals per service: alert anomalies against their baselines, significant templates. ---
  const anomaly::IncidentAnomalies anomalies = anomaly::ScoreIncident(pack.alerts, options_);
  std::map<std::string, topology::ServiceSignals> per_service;
  std::set<std::string> instances;
  std::vector<std::string> exception_types;
  model::Metrics metrics;
  rules::SeverityInput severity_input;
  std::vector<deploys::Observation> observations;
  std::vector<deploys::DeployFacts> deploy_facts = pack.deploys;
  for (const auto& aa : anomalies.alerts) {
    const auto& a = *aa.alert;
    auto& s = per_service[a.data.service];
    s.service = a.data.service;
    ++s.alerts;
    s.strength += aa.strength;
    if (aa.intrinsic) s.intrinsic += aa.strength;
    if (aa.at > 0 && (s.first_at == 0 || aa.at < s.first_at)) s.first_at = aa.at;
    deploys::Observation o{a.data.service, Label(a, "instance"), Label(a, "version"), a.data.deploy,
                           aa.strength, aa.at};
    if (!o.instance.empty()) instances.insert(o.instance);
    // A deploy the sender names is evidence even when Quell has no record of it; a version
    // label alone never makes a deploy up.
    if (!a.data.deploy.empty() &&
        std::none_of(deploy_facts.begin(), deploy_facts.end(), [&](const deploys::DeployFacts& d) {
          return d.id == a.data.deploy || d.version == a.data.deploy;
        }))
      deploy_facts.push_back({a.data.deploy, a.data.service, a.data.deploy, "", "", "", 0, {}});
    observations.push_back(std::move(o));
  }
  for (const auto& a : pack.alerts) {
    auto& s = per_service[a.data.service];
    s.service = a.data.service;
    s.texts.push_back(AlertText(a));
    for (const auto& [k, v] : a.data.metrics) metrics[k] = std::max(metrics[k], v);
    if (auto it = a.data.labels.find("exception_type"); it != a.data.labels.end())
      exception_types.push_back(it->second);
    severity_input.sent.push_back(a.data.severity);
    severity_input.metrics.push_back(a.data.metrics);
    severity_input.labels.push_back(a.data.labels);
  }
  // Log templates count only when they differ from the service's own baseline (new or surging
  // by a significance test); error lines every service always writes are noise.
  std::vector<std::pair<std::string, TimeMs>> new_templates;
  for (const auto& t : pack.log_templates) {
    const bool error = model::IsErrorLevel(t.level);
    const bool significant = t.is_new || t.is_surging || (!t.baseline_known && error);
    if (!significant || !(error || t.is_new)) continue;
    auto& s = per_service[t.service];
    s.service = t.service;
    s.texts.push_back(t.text);
    if (!error) continue;
    ++s.error_templates;
    s.strength += kTemplateStrength;
    if (t.is_new) new_templates.emplace_back(t.service, t.first_seen);
    if (t.first_seen > 0 && (s.first_at == 0 || t.first_seen < s.first_at)) s.first_at = t.first_seen;
  }
  // Stack traces in alert texts and error lines: exception types for the rules, and evidence.
  std::vector<std::pair<std::string, stacktrace::StackTrace>> traces;
  for (const auto& a : pack.alerts)
    for (auto& t : stacktrace::ExtractStackTraces(a.data.message))
      traces.emplace_back(a.data.service, std::move(t));
  for (const auto& l : pack.error_lines)
    for (auto& t : stacktrace::ExtractStackTraces(l.message))
      if (traces.size() < 20) traces.emplace_back(l.service, std::move(t));
  std::set<std::string> seen_stacks;
  for (const auto& [service, t] : traces) {
    if (!t.exception_type.empty()) exception_types.push_back(t.exception_type);
    for (const auto& cause : t.caused_by) exception_types.push_back(cause);
    if (!seen_stacks.insert(t.fingerprint).second) continue;
    std::string where;
    for (const auto& f : t.frames)
      if (f.in_app) {
        where = fmt::format(" at {} ({}:{})", f.function, f.file, f.line);
        break;
      }
    out.evidence.push_back({"stack_trace", t.fingerprint,
                            fmt::format("{} {}: {}{}{}", service, t.exception_type,
                                        t.message.substr(0, 160), where,
                                        t.caused_by.empty() ? "" : ", caused by " + t.caused_by[0])});
  }

  std::vector<topology::ServiceSignals> signals;
  for (auto& [name, s] : per_service) signals.push_back(s);

  // --- 1. Root-cause services: anomaly handed down the call graph to where it starts. ---
  topology::RankingInput ranking;
  ranking.services = signals;
  ranking.topology = pack.topology;
  for (const auto& d : pack.deploys)
    if (d.at > 0 && d.at <= first_symptom + options_.skew_ms &&
        first_symptom - d.at <= deploys::CorrelationOptions{}.lookback_ms) {
      auto [it, fresh] = ranking.deployed.emplace(d.service, d.at);
      if (!fresh) it->second = std::max(it->second, d.at);
    }
  out.service_suspects = topology::RankServices(ranking, options_);
  const std::string root_service =
      out.service_suspects.empty() ? pack.incident.services.empty() ? "" : pack.incident.services[0]
                                   : out.service_suspects[0].service;
  // The symptom service: the one with the most alerts (what users see).
  std::string symptom_service = root_service;
  int most_alerts = -1;
  for (const auto& s : signals)
    if (s.alerts > most_alerts) {
      most_alerts = s.alerts;
      symptom_service = s.service;
    }

  // --- 2. Deploy suspects: the recorded deploys plus deploys the alerts name. ---
  deploys::CorrelationInput correlation;
  correlation.deploys = deploy_facts;
  correlation.first_symptom_at = first_symptom;
  correlation.observations = observations;
  correlation.services = out.service_suspects;
  correlation.topology = pack.topology;
  correlation.new_error_templates = new_templates;
  out.deploy_suspects = deploys::RankDeploys(correlation, options_);
  const model::Suspect* prime_deploy =
      !out.deploy_suspects.empty() && out.deploy_suspects[0].score >= kPrimeDeployScore ? &out.deploy_suspects[0]
                                                                          : nullptr;
  const std::string prime_name =
      prime_deploy ? deploys::DeployName(prime_deploy->id, prime_deploy->version) : "";

  // A dependency blamed only through its callers' words, with no failure of its own, loses the
  // top spot to the deployed service when the symptoms tie the deploy to the failure (the alerts
  // name it, its new version misbehaves, or new error templates followed it): the release broke
  // how the caller uses the dependency.
  if (prime_deploy && !out.service_suspects.empty() &&
      out.service_suspects[0].service != prime_deploy->service) {
    const auto& top = out.service_suspects[0];
    auto own = per_service.find(top.service);
    const bool top_fails_itself = own != per_service.end() && own->second.strength > 0;
    const bool strong = std::any_of(
        prime_deploy->signals.begin(), prime_deploy->signals.end(), [](const model::Signal& g) {
          return g.weight > 0 && (g.kind == "named_by_alert" || g.kind == "version_contrast" ||
                                  g.kind == "log_template");
        });
    auto deployed = std::find_if(out.service_suspects.begin(), out.service_suspects.end(),
                                 [&](const model::Suspect& s) { return s.service == prime_deploy->service; });
    if (!top_fails_itself && strong && deployed != out.service_suspects.end()) {
      model::Suspect promoted = *deployed;
      promoted.score = top.score;
      promoted.reasons.push_back("deployment " + prime_name + " preceded the symptoms, and " +
                                 top.service + " shows no failure of its own");
      promoted.signals.push_back({"deploy_link", prime_deploy->id, prime_deploy->score, 0, 0});
      out.service_suspects.erase(deployed);
      out.service_suspects.insert(out.service_suspects.begin(), std::move(promoted));
      for (size_t i = 1; i < out.service_suspects.size(); ++i)
        out.service_suspects[i].score = std::min(out.service_suspects[i].score, 0.9);
    }
  }

  // --- 3. Knowledge base. ---
  const std::string ranked_root =
      out.service_suspects.empty() ? root_service : out.service_suspects[0].service;
  rules::Signals rule_signals;
  rule_signals.service = symptom_service;
  for (const auto& s : signals) rule_signals.texts.insert(rule_signals.texts.end(), s.texts.begin(), s.texts.end());
  rule_signals.exception_types = exception_types;
  rule_signals.metrics = metrics;
  if (ranked_root != symptom_service) {
    rule_signals.dependency = ranked_root;
  } else {
    std::vector<std::string> known = pack.incident.services;
    for (const auto& text : rule_signals.texts) {
      auto named = topology::NamedDependencies(text, known);
      named.erase(std::remove(named.begin(), named.end(), symptom_service), named.end());
      if (!named.empty()) {
        rule_signals.dependency = named[0];
        break;
      }
    }
  }
  if (prime_deploy) rule_signals.deploy = prime_name.substr(1);  // "441 (2.14.1)"
  auto hypotheses = rules_.Match(rule_signals);

  // --- 4. Pick the root cause. ---
  double top_score = 0, runner_up = 0;
  std::string impact;
  // A match on generic words only ("timeout") is still the best reading of the texts, but a weak
  // one: the cause says so and the confidence stays low (capped below).
  const bool generic_diagnosis = !hypotheses.empty() && hypotheses[0].generic;
  if (!hypotheses.empty() && (generic_diagnosis || hypotheses[0].score >= 0.35)) {
    const auto& h = hypotheses[0];
    out.root_cause = generic_diagnosis ? std::string(kGenericCausePrefix) + h.root_cause : h.root_cause;
    out.recommended_actions = h.actions;
    impact = h.impact;
    top_score = h.score;
    runner_up = hypotheses.size() > 1 ? hypotheses[1].score : 0;
    severity_input.pattern = h.severity;
    // A symptom the cause explains still tells how bad it is (a crash loop takes a service down).
    for (const auto& other : hypotheses)
      if (other.symptom && !other.generic)
        severity_input.pattern = model::MaxSeverity(severity_input.pattern, other.severity);
    for (const auto& m : h.matched) out.evidence.push_back({"knowledge", h.rule_id, m});
    out.evidence.push_back({"knowledge", h.rule_id,
                            fmt::format("{} diagnosis, specificity {:.2f}: {}",
                                        h.generic ? "generic" : "specific", h.specificity, h.why)});
  } else if (prime_deploy) {
    out.root_cause = fmt::format("Regression introduced by deployment {} of {}", prime_name,
                                 prime_deploy->service);
    out.recommended_actions = {fmt::format("Rollback deployment {}", prime_name),
                               fmt::format("Compare the errors of {} before and after the deploy",
                                           prime_deploy->service)};
    top_score = prime_deploy->score;
  } else if (!root_service.empty()) {
    const std::string first_text = Headline(
        per_service.count(root_service) && !per_service[root_service].texts.empty()
            ? per_service[root_service].texts[0]
            : pack.incident.title);
    out.root_cause = root_service == symptom_service
                         ? fmt::format("{} is failing: {}", root_service, first_text)
                         : fmt::format("{} is failing and its callers report errors", root_service);
    out.recommended_actions = {fmt::format("Check the health and recent changes of {}", root_service),
                               fmt::format("Read the newest error logs of {}", root_service)};
    top_score = 0.3;
  } else {
    out.root_cause = "Unknown: not enough evidence";
    top_score = 0.1;
  }
  // Rolling back the prime suspect comes first when a deploy is to blame.
  if (prime_deploy) {
    const std::string rollback = fmt::format("Rollback deployment {}", prime_name);
    auto it = std::find(out.recommended_actions.begin(), out.recommended_actions.end(), rollback);
    if (it != out.recommended_actions.end()) out.recommended_actions.erase(it);
    out.recommended_actions.insert(out.recommended_actions.begin(), rollback);
  }
  // No deploy recorded: do the texts describe a change (a post-mortem, an alert saying what was
  // rolled out)? Only then is the incident called change-induced.
  if (deploy_facts.empty()) {
    std::vector<ChangeCue> cues;
    for (const auto& a : pack.alerts)
      for (auto& c : FindChangeCues(a.data.name + "\n" + a.data.message)) cues.push_back(std::move(c));
    if (!cues.empty() && static_cast<int>(cues.size()) >= options_.change_sentences) {
      out.root_cause += fmt::format(", after a change (\"{}\")", cues[0].word);
      for (size_t i = 0; i < cues.size() && i < 3; ++i)
        out.evidence.push_back({"change", cues[i].word, cues[i].sentence});
      if (!out.service_suspects.empty()) {
        auto& top = out.service_suspects[0];
        top.signals.push_back({"change_text", cues[0].word, static_cast<double>(cues.size()), 0, 0});
        top.reasons.push_back(fmt::format("{} sentence(s) describe a change, e.g. \"{}\"", cues.size(),
                                          cues[0].sentence));
      }
    }
  }
  // What fixed it last time.
  if (!pack.similar.empty() && pack.similar[0].score >= 0.5 &&
      !pack.similar[0].resolution_note.empty()) {
    out.recommended_actions.push_back(fmt::format("Last time (incident #{}): {}",
                                                  pack.similar[0].incident_id,
                                                  pack.similar[0].resolution_note));
  }
  for (const auto& sim : pack.similar)
    out.evidence.push_back({"similar_incident", std::to_string(sim.incident_id),
                            fmt::format("{} (similarity {:.2f})", sim.title, sim.score)});

  // --- 5. Severity. ---
  severity_input.services = static_cast<int>(per_service.size());
  severity_input.instances = static_cast<int>(instances.size());
  if (pack.incident.status != model::IncidentStatus::kResolved && pack.now > first_symptom)
    severity_input.firing_for_ms = pack.now - first_symptom;
  auto severity = rules::AssessSeverity(severity_input);
  out.severity = severity.severity;
  for (const auto& r : severity.reasons) out.evidence.push_back({"severity", "", r});

  // --- Evidence behind the claims. ---
  for (const auto& a : pack.alerts) {
    std::string detail = AlertText(a);
    for (const auto& [k, v] : a.data.metrics) detail += fmt::format(", {} {:g}", k, v);
    if (a.count > 1) detail += fmt::format(" (x{})", a.count);
    out.evidence.push_back({"alert", a.data.fingerprint, a.data.service + ": " + detail});
  }
  for (const auto& d : out.deploy_suspects)
    out.evidence.push_back({"deploy", d.id, fmt::format("{} {}: {}", d.service,
                                                        deploys::DeployName(d.id, d.version),
                                                        JoinWords(d.reasons, 3))});
  for (const auto& s : out.service_suspects)
    if (!s.reasons.empty())
      out.evidence.push_back({"topology", s.service, s.service + ": " + JoinWords(s.reasons, 3)});
  for (const auto& t : pack.log_templates)
    if (t.is_new || t.is_surging)
      out.evidence.push_back({"log_template", std::to_string(t.template_id),
                              fmt::format("{}{} template in {} (x{}): {}", t.is_new ? "new" : "",
                                          t.is_surging ? (t.is_new ? ", surging" : "surging") : "",
                                          t.service, t.count, t.text)});
  for (const auto& t : pack.log_templates)  // templates that are incomplete (lines not mined)
    if (t.not_mined) out.evidence.push_back({"log_gap", t.service, t.text});

  // --- Confidence (see the header for the formula). ---
  double agreement = 0;
  if (!rule_signals.dependency.empty() && rule_signals.dependency == root_service) agreement += 0.5;
  if (root_service == symptom_service && !out.service_suspects.empty()) agreement += 0.25;
  if (prime_deploy) agreement += std::min(0.5, prime_deploy->score * 0.6);
  agreement = std::min(1.0, agreement);
  std::set<std::string> kinds;
  for (const auto& e : out.evidence)
    if (e.kind != "severity" && e.kind != "log_gap") kinds.insert(e.kind);
  const double coverage = std::min(1.0, static_cast<double>(kinds.size()) / 4.0);
  const double ambiguity = top_score > 0 ? std::clamp(runner_up / top_score - 0.5, 0.0, 0.5) * 2 : 0;
  const double score = std::clamp(0.2 + 0.45 * top_score + 0.15 * agreement + 0.1 * coverage -
                                      0.2 * ambiguity * top_score,
                                  0.0, 1.0);
  out.confidence = Calibrate(score, options_.calibration);
  if (generic_diagnosis) out.confidence = std::min(out.confidence, kGenericConfidence);

  // --- Impact and summary. ---
  std::vector<std::string> services(pack.incident.services.begin(), pack.incident.services.end());
  if (services.empty())
    for (const auto& [name, s] : per_service) services.push_back(name);
  out.impact = !impact.empty()
                   ? impact
                   : fmt::format("{} degraded: {} alert(s) firing", JoinWords(services),
                                 pack.alerts.size());
  std::string summary = out.root_cause + ".";
  summary += fmt::format(" {} alert(s) on {} since {}", pack.alerts.size(), JoinWords(services),
                         FormatRfc3339(first_symptom));
  if (!out.service_suspects.empty() && out.service_suspects[0].service != symptom_service)
    summary += fmt::format("; the errors point at {}", out.service_suspects[0].service);
  if (prime_deploy) summary += fmt::format("; prime suspect: deployment {} of {}", prime_name,
                                           prime_deploy->service);
  summary += fmt::format(". Confidence {:.2f}.", out.confidence);
  out.summary = summary;
  return out;
}

bool IsGenericDiagnosis(const model::Analysis& analysis) {
  return analysis.root_cause.rfind(kGenericCausePrefix, 0) == 0;
}

std::string DiagnosedRule(const model::Analysis& analysis) {
  for (const auto& e : analysis.evidence)
    if (e.kind == "knowledge") return e.ref;
  return "";
}

}  // namespace quell::analysis
