#include "analysis/rules/failure_rules.h"

#include <re2/re2.h>

#include <algorithm>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace quell::analysis::rules {
namespace {

namespace json = boost::json;

Result<std::vector<std::shared_ptr<const re2::RE2>>> Patterns(const json::object& rule,
                                                             const char* key,
                                                             const std::string& path) {
  std::vector<std::shared_ptr<const re2::RE2>> out;
  const json::value* v = rule.if_contains(key);
  if (!v) return out;
  if (!v->is_array()) return Error(InvalidArgument(path + key + " must be an array", path + key));
  for (size_t i = 0; i < v->get_array().size(); ++i) {
    const auto& item = v->get_array()[i];
    std::string at = path + key + "[" + std::to_string(i) + "]";
    if (!item.is_string()) return Error(InvalidArgument(at + " must be a string", at));
    auto re = std::make_shared<re2::RE2>(std::string(item.get_string()), RE2::Quiet);
    if (!re->ok()) return Error(InvalidArgument(at + ": bad regex: " + re->error(), at));
    out.push_back(std::move(re));
  }
  return out;
}

Result<std::vector<MetricCondition>> Metrics(const json::object& o, const char* key,
                                             const std::string& path) {
  std::vector<MetricCondition> out;
  const json::value* metrics = o.if_contains(key);
  if (!metrics) return out;
  if (!metrics->is_array())
    return Error(InvalidArgument(path + key + " must be an array", path + key));
  for (const auto& m : metrics->get_array()) {
    if (!m.is_object() || !m.as_object().if_contains("value") ||
        !m.as_object().at("value").is_number())
      return Error(InvalidArgument(path + key + " entries need name, op and a numeric value",
                                   path + key));
    const auto& mo = m.as_object();
    std::string op = mo.if_contains("op") && mo.at("op").is_string()
                         ? std::string(mo.at("op").get_string()) : ">";
    if (op != ">" && op != "<")
      return Error(InvalidArgument(path + key + " op must be > or <", path + key));
    std::string name = mo.if_contains("name") && mo.at("name").is_string()
                           ? std::string(mo.at("name").get_string()) : "";
    out.push_back({name, op == ">", mo.at("value").to_number<double>()});
  }
  return out;
}

std::string StringOr(const json::object& o, const char* key, std::string fallback = {}) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : fallback;
}

double NumberOr(const json::object& o, const char* key, double fallback) {
  const json::value* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : fallback;
}

bool MetricMatches(const model::Metrics& metrics, const MetricCondition& c, std::string* seen) {
  for (const auto& [name, value] : metrics) {
    if (name.find(c.name) == std::string::npos) continue;
    if (c.greater ? value > c.value : value < c.value) {
      *seen = fmt::format("{} = {:g} {} {:g}", name, value, c.greater ? ">" : "<", c.value);
      return true;
    }
  }
  return false;
}

double LatencyMs(const model::Metrics& metrics) {
  for (const auto& [name, value] : metrics)
    if (name.find("latency") != std::string::npos || name.find("duration") != std::string::npos)
      return value;
  return 0;
}

// Replaces {name} and {name|fallback} placeholders; unknown names stay as written.
struct TemplateValues {
  std::string service, dependency, display, deploy, exception, latency_note;
  bool has_dependency = false;
};

std::string Render(std::string_view text, const TemplateValues& v) {
  std::string out;
  out.reserve(text.size() + 32);
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find('{', at);
    const size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) {
      out.append(text.substr(at));
      break;
    }
    out.append(text.substr(at, open - at));
    std::string_view token = text.substr(open + 1, close - open - 1);
    std::string_view fallback;
    bool has_fallback = false;
    if (size_t bar = token.find('|'); bar != std::string_view::npos) {
      fallback = token.substr(bar + 1);
      token = token.substr(0, bar);
      has_fallback = true;
    }
    if (token == "service") {
      out += v.service;
    } else if (token == "Dependency" || token == "dependency") {
      if (!v.has_dependency && has_fallback) out += fallback;
      else out += token == "Dependency" ? v.display : v.dependency;
    } else if (token == "deploy") {
      out += v.deploy;
    } else if (token == "after_deploy") {
      if (!v.deploy.empty()) out += " after deployment #" + v.deploy;
    } else if (token == "exception") {
      out += v.exception;
    } else if (token == "latency_note") {
      out += v.latency_note;
    } else {
      out.append(text.substr(open, close - open + 1));
    }
    at = close + 1;
  }
  return out;
}

// One pattern list as a single alternation, so a text is scanned once per group.
std::shared_ptr<const re2::RE2> Combined(const std::vector<std::shared_ptr<const re2::RE2>>& list) {
  if (list.empty()) return nullptr;
  std::string joined;
  for (const auto& re : list) {
    if (!joined.empty()) joined += '|';
    joined += "(?:" + re->pattern() + ")";
  }
  auto re = std::make_shared<re2::RE2>(joined, RE2::Quiet);
  return re->ok() ? re : nullptr;
}

}  // namespace

std::string DependencyDisplayName(std::string_view name) {
  static const std::map<std::string, std::string, std::less<>> kNames = {
      {"redis", "Redis"},       {"postgres", "PostgreSQL"},     {"postgresql", "PostgreSQL"},
      {"mysql", "MySQL"},       {"mariadb", "MariaDB"},         {"mongodb", "MongoDB"},
      {"kafka", "Kafka"},       {"rabbitmq", "RabbitMQ"},       {"elasticsearch", "Elasticsearch"},
      {"memcached", "Memcached"}, {"cassandra", "Cassandra"},   {"s3", "S3"},
      {"dns", "DNS"},           {"ldap", "LDAP"},               {"smtp", "SMTP"},
      {"vault", "Vault"},       {"consul", "Consul"},           {"etcd", "etcd"},
      {"zookeeper", "ZooKeeper"}, {"nats", "NATS"}};
  auto it = kNames.find(name);
  return it != kNames.end() ? it->second : std::string(name);
}

Result<FailureRules> FailureRules::Parse(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return Error(InvalidArgument("rules file is not JSON: " + ec.message(), "rules"));
  const json::value* list = root.is_object() ? root.as_object().if_contains("rules") : nullptr;
  if (!list || !list->is_array())
    return Error(InvalidArgument("rules file needs a \"rules\" array", "rules"));
  FailureRules out;
  for (size_t i = 0; i < list->get_array().size(); ++i) {
    const std::string path = "rules[" + std::to_string(i) + "].";
    const auto& item = list->get_array()[i];
    if (!item.is_object()) return Error(InvalidArgument(path + " must be an object", "rules"));
    const auto& o = item.get_object();
    FailureRule rule;
    rule.id = StringOr(o, "id");
    if (rule.id.empty()) return Error(InvalidArgument(path + "id is required", path + "id"));
    rule.name = StringOr(o, "name", rule.id);
    if (const json::value* groups = o.if_contains("evidence")) {
      if (!groups->is_array())
        return Error(InvalidArgument(path + "evidence must be an array", path + "evidence"));
      for (size_t j = 0; j < groups->get_array().size(); ++j) {
        const std::string at = path + "evidence[" + std::to_string(j) + "].";
        const auto& g = groups->get_array()[j];
        if (!g.is_object())
          return Error(InvalidArgument(at + " must be an object", path + "evidence"));
        EvidenceGroup group;
        group.why = StringOr(g.get_object(), "why", rule.name);
        QUELL_ASSIGN_OR_RETURN(group.text, Patterns(g.get_object(), "text", at));
        QUELL_ASSIGN_OR_RETURN(group.exceptions, Patterns(g.get_object(), "exceptions", at));
        QUELL_ASSIGN_OR_RETURN(group.metrics, Metrics(g.get_object(), "metrics", at));
        if (group.text.empty() && group.exceptions.empty() && group.metrics.empty())
          return Error(InvalidArgument(at + " needs text, exceptions or metrics", at + "text"));
        group.specificity = std::clamp(NumberOr(g.get_object(), "specificity", 0.75), 0.0, 1.0);
        rule.evidence.push_back(std::move(group));
      }
    }
    // Legacy matchers: text and exceptions are one group each, metrics support and match alone.
    EvidenceGroup legacy_text, legacy_exceptions;
    legacy_text.why = legacy_exceptions.why = rule.name;
    QUELL_ASSIGN_OR_RETURN(legacy_text.text, Patterns(o, "text", path));
    QUELL_ASSIGN_OR_RETURN(legacy_exceptions.exceptions, Patterns(o, "exceptions", path));
    if (!legacy_text.text.empty()) rule.evidence.push_back(std::move(legacy_text));
    if (!legacy_exceptions.exceptions.empty()) rule.evidence.push_back(std::move(legacy_exceptions));
    QUELL_ASSIGN_OR_RETURN(auto legacy_metrics, Metrics(o, "metrics", path));
    for (const auto& m : legacy_metrics) {
      EvidenceGroup alone;
      alone.why = rule.name + " (a metric alone)";
      alone.metrics = {m};
      alone.specificity = kLegacyMetricSpecificity;
      rule.evidence.push_back(std::move(alone));
    }
    QUELL_ASSIGN_OR_RETURN(rule.supporting_metrics, Metrics(o, "supporting_metrics", path));
    rule.supporting_metrics.insert(rule.supporting_metrics.end(), legacy_metrics.begin(),
                                   legacy_metrics.end());
    EvidenceGroup generic;
    generic.why = "only generic words of " + rule.name;
    generic.generic = true;
    generic.specificity = kGenericSpecificity;
    QUELL_ASSIGN_OR_RETURN(generic.text, Patterns(o, "generic", path));
    if (!generic.text.empty()) rule.evidence.push_back(std::move(generic));
    if (rule.evidence.empty())
      return Error(InvalidArgument(
          path + " needs evidence, text, exceptions, generic or metrics matchers", path + "text"));
    for (auto& group : rule.evidence) group.text_any = Combined(group.text);
    if (const json::value* d = o.if_contains("supported_by_deploy"); d && d->is_bool())
      rule.supported_by_deploy = d->get_bool();
    if (const json::value* d = o.if_contains("symptom"); d && d->is_bool())
      rule.symptom = d->get_bool();
    if (const json::value* w = o.if_contains("weight"); w && w->is_number())
      rule.weight = std::clamp(w->to_number<double>(), 0.0, 1.0);
    rule.root_cause = StringOr(o, "root_cause");
    if (rule.root_cause.empty())
      return Error(InvalidArgument(path + "root_cause is required", path + "root_cause"));
    rule.impact = StringOr(o, "impact", "{service} is degraded");
    if (const json::value* actions = o.if_contains("actions"); actions && actions->is_array())
      for (const auto& a : actions->get_array())
        if (a.is_string()) rule.actions.emplace_back(a.get_string());
    rule.severity = model::ParseSeverity(StringOr(o, "severity")).value_or(model::Severity::kUnknown);
    out.rules_.push_back(std::move(rule));
  }
  return out;
}

const FailureRules& FailureRules::Defaults() {
  static const FailureRules defaults = [] {
    auto parsed = Parse(DefaultRulesJson());
    // The embedded file is tested; failing here is a build defect, not an input error.
    return parsed ? std::move(*parsed) : FailureRules();
  }();
  return defaults;
}

void FailureRules::Merge(const FailureRules& other) {
  for (const auto& rule : other.rules_) {
    auto it = std::find_if(rules_.begin(), rules_.end(),
                           [&](const FailureRule& r) { return r.id == rule.id; });
    if (it != rules_.end()) {
      *it = rule;
    } else {
      rules_.push_back(rule);
    }
  }
}

std::vector<Hypothesis> FailureRules::Match(const Signals& s) const {
  // What holds besides the texts, and which texts each group's patterns match.
  struct GroupState {
    bool holds = false;                // exceptions and metrics conditions
    std::string exception;             // the exception type that matched
    std::vector<std::string> metrics;  // the metric conditions seen
    std::vector<size_t> texts;         // indices of the texts its patterns match
  };
  std::vector<std::vector<GroupState>> state(rules_.size());
  std::vector<double> best(s.texts.size(), -1);  // the most specific reading of each text
  for (size_t r = 0; r < rules_.size(); ++r) {
    state[r].resize(rules_[r].evidence.size());
    for (size_t g = 0; g < rules_[r].evidence.size(); ++g) {
      const EvidenceGroup& group = rules_[r].evidence[g];
      GroupState& st = state[r][g];
      bool ok = true;
      if (!group.exceptions.empty()) {
        ok = false;
        for (const auto& re : group.exceptions) {
          for (const auto& e : s.exception_types)
            if (RE2::PartialMatch(e, *re)) {
              st.exception = e;
              ok = true;
              break;
            }
          if (ok) break;
        }
      }
      for (const auto& m : group.metrics) {
        if (!ok) break;
        std::string seen;
        ok = MetricMatches(s.metrics, m, &seen);
        if (ok) st.metrics.push_back(std::move(seen));
      }
      if (!ok) continue;
      if (group.text.empty()) {
        st.holds = true;
        continue;
      }
      for (size_t t = 0; t < s.texts.size(); ++t) {
        const bool hit = group.text_any ? RE2::PartialMatch(s.texts[t], *group.text_any)
                                        : std::any_of(group.text.begin(), group.text.end(),
                                                      [&](const auto& re) {
                                                        return RE2::PartialMatch(s.texts[t], *re);
                                                      });
        if (!hit) continue;
        st.texts.push_back(t);
        best[t] = std::max(best[t], group.specificity);
      }
      st.holds = !st.texts.empty();
    }
  }

  const std::string dependency = s.dependency.empty() ? "upstream" : s.dependency;
  const double latency = LatencyMs(s.metrics);
  TemplateValues values;
  values.service = s.service;
  values.dependency = dependency;
  values.display = s.dependency.empty() ? "upstream" : DependencyDisplayName(dependency);
  values.has_dependency = !s.dependency.empty();
  values.deploy = s.deploy;
  values.latency_note = latency > 0 ? fmt::format(" (latency {:g} ms)", latency) : "";
  std::vector<Hypothesis> out;
  for (size_t r = 0; r < rules_.size(); ++r) {
    const FailureRule& rule = rules_[r];
    // The best group that holds on texts no more specific group explains.
    int chosen = -1;
    size_t chosen_text = 0;
    for (size_t g = 0; g < rule.evidence.size(); ++g) {
      const EvidenceGroup& group = rule.evidence[g];
      const GroupState& st = state[r][g];
      if (!st.holds) continue;
      size_t text = 0;
      if (!group.text.empty()) {
        auto own = std::find_if(st.texts.begin(), st.texts.end(), [&](size_t t) {
          return group.specificity + 1e-9 >= best[t];
        });
        if (own == st.texts.end()) continue;  // every text it matched reads better elsewhere
        text = *own;
      }
      const bool better =
          chosen < 0 ||
          (rule.evidence[chosen].generic && !group.generic) ||
          (rule.evidence[chosen].generic == group.generic &&
           group.specificity > rule.evidence[chosen].specificity);
      if (better) {
        chosen = static_cast<int>(g);
        chosen_text = text;
      }
    }
    if (chosen < 0) continue;
    const EvidenceGroup& group = rule.evidence[chosen];
    const GroupState& st = state[r][chosen];
    Hypothesis h;
    h.rule_id = rule.id;
    h.specificity = group.specificity;
    h.generic = group.generic;
    h.symptom = rule.symptom;
    h.why = group.why;
    values.exception = st.exception;
    if (!group.text.empty()) {
      const std::string& t = s.texts[chosen_text];
      h.matched.push_back("\"" + t.substr(0, 120) + "\" matches " + rule.name + ": " + group.why);
      if (values.exception.empty())
        for (const auto& re : group.text) {
          std::string captured;
          if (re->NumberOfCapturingGroups() >= 1 && RE2::PartialMatch(t, *re, &captured)) {
            values.exception = captured;
            break;
          }
        }
    }
    if (!st.exception.empty()) h.matched.push_back("exception " + st.exception);
    h.matched.insert(h.matched.end(), st.metrics.begin(), st.metrics.end());
    double strength = group.specificity;
    // Supporting metrics add to evidence of another kind; a metric group already counted them.
    for (const auto& m : group.metrics.empty() ? rule.supporting_metrics
                                               : std::vector<MetricCondition>{}) {
      std::string seen;
      if (MetricMatches(s.metrics, m, &seen)) {
        strength += 0.15;
        if (std::find(h.matched.begin(), h.matched.end(), seen) == h.matched.end())
          h.matched.push_back(seen);
        break;
      }
    }
    if (rule.supported_by_deploy && !s.deploy.empty()) strength += 0.1;
    h.score = rule.weight * std::min(1.0, strength);
    h.severity = rule.severity;
    h.root_cause = Render(rule.root_cause, values);
    h.impact = Render(rule.impact, values);
    for (const auto& action : rule.actions) {
      if (s.deploy.empty() && action.find("{deploy}") != std::string::npos) continue;
      h.actions.push_back(Render(action, values));
    }
    out.push_back(std::move(h));
  }
  std::stable_sort(out.begin(), out.end(), [](const Hypothesis& a, const Hypothesis& b) {
    if (a.generic != b.generic) return !a.generic;
    if (a.symptom != b.symptom) return !a.symptom;
    return a.score > b.score;
  });
  return out;
}

std::string_view DefaultRulesJson() {
  static constexpr std::string_view kJson =
#include "default_rules.inc"
      ;
  return kJson;
}

}  // namespace quell::analysis::rules
