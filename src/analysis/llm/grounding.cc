#include "analysis/llm/grounding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "analysis/topology/service_ranking.h"
#include "common/text.h"

namespace quell::analysis::llm {
namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

std::string Lower(std::string_view text) { return ToLower(text); }

// One word of a text: letters, digits and the separators - _ . inside names, lower-cased,
// without separators at its ends ("db-7.", "(api-gateway)" -> "db-7", "api-gateway").
struct Word {
  std::string text;
  bool after_hash = false;  // "#441"
};

std::vector<Word> Words(std::string_view text) {
  std::vector<Word> out;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsWordChar(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsWordChar(text[j])) ++j;
    size_t b = i, e = j;
    while (b < e && !std::isalnum(static_cast<unsigned char>(text[b]))) ++b;
    while (e > b && !std::isalnum(static_cast<unsigned char>(text[e - 1]))) --e;
    if (b < e) out.push_back({Lower(text.substr(b, e - b)), i > 0 && text[i - 1] == '#'});
    i = j;
  }
  return out;
}

bool Contains(std::initializer_list<std::string_view> set, std::string_view word) {
  return std::find(set.begin(), set.end(), word) != set.end();
}

// Words that say the next (or previous) word names a deploy.
bool IsDeployWord(std::string_view w) {
  return Contains({"deploy", "deploys", "deployment", "deployments", "release", "releases",
                   "rollout", "rollouts", "build", "revision", "canary", "version"},
                  w);
}

// Words that say the word next to them names a service or a host.
bool IsPlaceWord(std::string_view w) {
  return Contains({"service",  "services",  "host",       "hosts",   "hostname", "pod",
                   "pods",     "instance",  "instances",  "node",    "nodes",    "server",
                   "servers",  "container", "containers", "replica", "replicas", "machine",
                   "machines", "vm",        "cluster",    "database"},
                  w);
}

bool IsTimeUnit(std::string_view w) {
  return Contains(
      {"s",  "sec", "secs", "second", "seconds", "m",    "min", "mins", "minute", "minutes", "h",
       "hr", "hrs", "hour", "hours",  "day",     "days", "ms",  "x",    "times",  "of"},
      w);
}

bool HasDigit(std::string_view w) {
  return std::any_of(w.begin(), w.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}
bool HasAlpha(std::string_view w) {
  return std::any_of(w.begin(), w.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}
bool AllDigits(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}
bool AllAlpha(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c));
  });
}

std::vector<std::string_view> Parts(std::string_view w) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= w.size(); ++i)
    if (i == w.size() || w[i] == '-' || w[i] == '_' || w[i] == '.') {
      if (i > start) parts.push_back(w.substr(start, i - start));
      start = i + 1;
    }
  return parts;
}

// What a word of the answer claims to be: "" (a plain word), "service" or "host". `near_place`:
// a place word ("service", "host", "pod", ...) is next to it.
std::string NameKind(std::string_view w, bool near_place, const EvidenceNames& names) {
  // Numbers, times, dates, IPs, sizes ("3.5x", "5-minute", "2026-12-06") and versions ("v2.1",
  // judged only as deploys) are not places.
  if (std::isdigit(static_cast<unsigned char>(w[0]))) return "";
  if (w[0] == 'v' && w.size() > 1 && !HasAlpha(w.substr(1))) return "";
  const auto parts = Parts(w);
  if (parts.size() == 1) {
    // "paymentservice", "authsvc": a service by its shape; "microservice" is a word.
    for (std::string_view suffix : {std::string_view("service"), std::string_view("svc")})
      if (w.size() > suffix.size() + 2 && w.ends_with(suffix) && !w.starts_with("micro") &&
          !w.starts_with("web"))
        return "service";
    return "";
  }
  if (HasDigit(w)) {
    // "db-7", "redis-2" look like hosts; so do "utf-8" and "sha-256": only a place word or a
    // known service in front makes such a pair a host.
    if (parts.size() == 2 && AllAlpha(parts[0]) && AllDigits(parts[1]))
      return near_place || names.IsService(parts[0]) ? "host" : "";
    return "host";  // "ip-10-0-3-7", "api-7d9f-x2b", "web01.prod", "us-east-1"
  }
  if (std::count(w.begin(), w.end(), '.') >= 2) return "host";  // "db.prod.internal"
  for (auto part : parts)
    if (Contains({"service", "svc", "api", "db", "gateway", "server"}, part)) return "service";
  return near_place ? "service" : "";  // "the billing-core service"; not "follow-up"
}

void Check(std::string_view text, const char* field, const EvidenceNames& names,
           std::vector<UngroundedName>& out) {
  const std::vector<Word> words = Words(text);
  auto add = [&](const char* kind, const std::string& name) {
    for (const auto& u : out)
      if (u.name == name) return;
    out.push_back({kind, name, field});
  };
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].text;
    const std::string prev = i > 0 ? words[i - 1].text : "";
    const std::string next = i + 1 < words.size() ? words[i + 1].text : "";
    if (words[i].after_hash) {  // "#441": a deploy or an incident, ours or the sender's
      if (!names.HasDeployRef(w) && !names.Mentions(w)) add("deploy", w);
      continue;
    }
    if (IsDeployWord(prev) && HasDigit(w) && !IsTimeUnit(next)) {  // "deploy 441", "release v2"
      if (!names.HasDeployRef(w) && !names.Mentions(w)) add("deploy", w);
      continue;
    }
    const std::string kind = NameKind(w, IsPlaceWord(prev) || IsPlaceWord(next), names);
    if (!kind.empty() && !names.Mentions(w)) add(kind.c_str(), w);
  }
}

}  // namespace

EvidenceNames::EvidenceNames(const EvidencePack& pack, const std::vector<std::string>& seen) {
  services_.insert(pack.incident.services.begin(), pack.incident.services.end());
  for (const auto& al : pack.alerts) services_.insert(al.data.service);
  for (const auto& [s, deps] : pack.topology.depends_on()) {
    services_.insert(s);
    services_.insert(deps.begin(), deps.end());
  }
  for (const auto& t : pack.log_templates) services_.insert(t.service);
  for (const auto& d : pack.deploys) services_.insert(d.service);
  // Dependencies the evidence names ("Redis timeout") are grounded too.
  std::vector<std::string> known(services_.begin(), services_.end());
  for (const auto& al : pack.alerts)
    for (const auto& name :
         topology::NamedDependencies(al.data.message + " " + al.data.name, known))
      services_.insert(name);
  for (const auto& t : pack.log_templates)
    for (const auto& name : topology::NamedDependencies(t.text, known)) services_.insert(name);
  services_.erase("");

  for (const auto& d : pack.deploys) {
    deploys_.insert(d.id);
    deploys_.insert(d.version);
  }
  for (const auto& al : pack.alerts)
    if (!al.data.deploy.empty()) deploys_.insert(al.data.deploy);
  deploys_.erase("");

  // Free text is matched without case; a version label names a rollout as well as a deploy id.
  for (const auto& s : services_) services_lower_.insert(Lower(s));
  for (const auto& d : deploys_) deploy_refs_.insert(Lower(d));
  for (const auto& al : pack.alerts)
    for (const auto& [key, value] : al.data.labels)
      if (key.find("version") != std::string::npos || key.find("deploy") != std::string::npos ||
          key.find("release") != std::string::npos)
        deploy_refs_.insert(Lower(value));
  deploy_refs_.insert(std::to_string(pack.incident.id));
  for (const auto& m : pack.similar) deploy_refs_.insert(std::to_string(m.incident_id));

  auto add_words = [this](std::string_view text) {
    for (auto& w : Words(text)) words_.insert(std::move(w.text));
  };
  for (const auto& s : services_lower_) {
    words_.insert(s);
    add_words(s);
  }
  for (const auto& d : deploy_refs_) {
    words_.insert(d);
    add_words(d);
  }
  add_words(pack.incident.title);
  for (const auto& al : pack.alerts) {
    add_words(al.data.name);
    add_words(al.data.message);
    add_words(al.data.fingerprint);
    for (const auto& [key, value] : al.data.labels) add_words(value);
    for (const auto& [key, value] : al.data.annotations) add_words(value);
  }
  for (const auto& t : pack.log_templates) {
    add_words(t.text);
    for (const auto& s : t.samples) add_words(s);
  }
  for (const auto& l : pack.error_lines) {
    add_words(l.message);
    add_words(l.instance);
  }
  for (const auto& d : pack.deploys) add_words(d.commit);
  for (const auto& m : pack.similar) {
    add_words(m.title);
    add_words(m.resolution_note);
  }
  for (const auto& text : seen) add_words(text);
}

bool EvidenceNames::HasDeployRef(std::string_view ref) const {
  const std::string r = Lower(ref);
  if (deploy_refs_.count(r)) return true;
  if (r.size() > 1 && r[0] == 'v' && deploy_refs_.count(r.substr(1))) return true;
  return deploy_refs_.count("v" + r) > 0;
}

bool EvidenceNames::Mentions(std::string_view word) const {
  const std::string w = Lower(word);
  if (words_.count(w)) return true;
  auto it = words_.lower_bound(w + "-");
  return it != words_.end() && it->starts_with(w + "-");
}

bool EvidenceNames::IsService(std::string_view word) const {
  return services_lower_.count(Lower(word)) > 0;
}

int GroundAnalysis(const EvidencePack& pack, model::Analysis& a) {
  const EvidenceNames names(pack);
  int dropped = 0;
  dropped += static_cast<int>(std::erase_if(
      a.deploy_suspects, [&](const model::Suspect& s) { return !names.HasDeploy(s.id); }));
  dropped += static_cast<int>(std::erase_if(
      a.service_suspects, [&](const model::Suspect& s) { return !names.HasService(s.service); }));
  a.confidence = std::clamp(a.confidence, 0.0, 1.0);
  return dropped;
}

std::vector<UngroundedName> FindUngroundedNames(const model::Analysis& answer,
                                                const EvidenceNames& names) {
  std::vector<UngroundedName> out;
  Check(answer.root_cause, "root_cause", names, out);
  Check(answer.summary, "summary", names, out);
  Check(answer.impact, "impact", names, out);
  for (const auto& action : answer.recommended_actions)
    Check(action, "recommended_actions", names, out);
  return out;
}

std::string DescribeUngrounded(const std::vector<UngroundedName>& names, size_t max) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < max; ++i)
    out +=
        fmt::format("{}{} '{}' ({})", i ? "; " : "", names[i].kind, names[i].name, names[i].field);
  if (names.size() > max) out += fmt::format("; and {} more", names.size() - max);
  return out;
}

}  // namespace quell::analysis::llm
