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

std::string StringOr(const json::object& o, const char* key, std::string fallback = {}) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : fallback;
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
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
    QUELL_ASSIGN_OR_RETURN(rule.text, Patterns(o, "text", path));
    QUELL_ASSIGN_OR_RETURN(rule.exceptions, Patterns(o, "exceptions", path));
    if (const json::value* metrics = o.if_contains("metrics"); metrics && metrics->is_array()) {
      for (const auto& m : metrics->get_array()) {
        if (!m.is_object() || !m.as_object().if_contains("value") ||
            !m.as_object().at("value").is_number())
          return Error(InvalidArgument(path + "metrics entries need name, op and a numeric value",
                                       path + "metrics"));
        std::string op = StringOr(m.as_object(), "op", ">");
        if (op != ">" && op != "<")
          return Error(InvalidArgument(path + "metrics op must be > or <", path + "metrics"));
        rule.metrics.push_back({StringOr(m.as_object(), "name"), op == ">",
                                m.as_object().at("value").to_number<double>()});
      }
    }
    if (rule.text.empty() && rule.exceptions.empty() && rule.metrics.empty())
      return Error(InvalidArgument(path + " needs text, exceptions or metrics matchers", path + "text"));
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
  const std::string dependency = s.dependency.empty() ? "upstream" : s.dependency;
  const std::string display = s.dependency.empty() ? "upstream" : DependencyDisplayName(dependency);
  const double latency = LatencyMs(s.metrics);
  std::vector<Hypothesis> out;
  for (const auto& rule : rules_) {
    Hypothesis h;
    bool text_hit = false, exception_hit = false, metric_hit = false;
    for (const auto& re : rule.text) {
      for (const auto& t : s.texts) {
        if (RE2::PartialMatch(t, *re)) {
          text_hit = true;
          h.matched.push_back("\"" + t.substr(0, 120) + "\" matches " + rule.name);
          break;
        }
      }
      if (text_hit) break;
    }
    std::string exception;
    for (const auto& re : rule.exceptions)
      for (const auto& e : s.exception_types)
        if (!exception_hit && RE2::PartialMatch(e, *re)) {
          exception_hit = true;
          exception = e;
          h.matched.push_back("exception " + e);
        }
    for (const auto& m : rule.metrics) {
      std::string seen;
      if (MetricMatches(s.metrics, m, &seen)) {
        metric_hit = true;
        h.matched.push_back(seen);
        break;
      }
    }
    if (!text_hit && !exception_hit && !metric_hit) continue;
    // Words and exception types carry the diagnosis; a metric alone is weaker.
    double strength = (text_hit || exception_hit ? 0.75 : 0.45) + (metric_hit ? 0.25 : 0.0);
    h.rule_id = rule.id;
    h.score = rule.weight * std::min(1.0, strength);
    h.severity = rule.severity;
    auto render = [&](std::string text) {
      ReplaceAll(text, "{after_deploy}",
                 s.deploy.empty() ? "" : " after deployment #" + s.deploy);
      ReplaceAll(text, "{latency_note}",
                 latency > 0 ? fmt::format(" (latency {:g} ms)", latency) : "");
      ReplaceAll(text, "{service}", s.service);
      ReplaceAll(text, "{Dependency}", display);
      ReplaceAll(text, "{dependency}", dependency);
      ReplaceAll(text, "{deploy}", s.deploy);
      ReplaceAll(text, "{exception}", exception);
      return text;
    };
    h.root_cause = render(rule.root_cause);
    h.impact = render(rule.impact);
    for (const auto& action : rule.actions) {
      if (s.deploy.empty() && action.find("{deploy}") != std::string::npos) continue;
      h.actions.push_back(render(action));
    }
    out.push_back(std::move(h));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
  return out;
}

std::string_view DefaultRulesJson() {
  static constexpr std::string_view kJson =
#include "default_rules.inc"
      ;
  return kJson;
}

}  // namespace quell::analysis::rules
