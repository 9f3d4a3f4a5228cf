#include "analysis/llm/prompt.h"

#include <fmt/format.h>

#include "analysis/llm/redaction.h"
#include "common/time_format.h"

namespace quell::analysis::llm {
namespace {

// Longest text kept of one value (bytes, after redaction): enough to read, never a dump.
constexpr size_t kMaxAlertText = 4000;
constexpr size_t kMaxLineText = 400;
constexpr size_t kMaxSampleText = 200;

}  // namespace

int EstimateTokens(std::string_view text) { return static_cast<int>(text.size() / 4) + 1; }

Prompt BuildPrompt(const EvidencePack& pack, const model::Analysis& builtin, int budget_tokens,
                   bool redact_ips) {
  Prompt p;
  p.system =
      "You are an experienced site reliability engineer analysing one production incident. "
      "Use only the evidence given; do not invent services, deploys or facts. Answer with one "
      "JSON object matching the schema: root_cause (one sentence), severity (critical, high, "
      "medium, low or info), impact (what users feel), recommended_actions (ordered, concrete; "
      "roll back a suspect deploy first when one is to blame), confidence (0 to 1, lower when "
      "evidence is thin), summary (two or three plain sentences), suspects.deploys and "
      "suspects.services (only ids and services that appear in the evidence), evidence "
      "(kind, ref, detail for each claim).";
  // Every raw value is redacted on its own, before it is cut to length or joined: a cut can
  // strip the END line of a private key, and a joined line can hide where a value ends.
  auto redacted = [redact_ips](std::string_view raw) { return Redact(raw, redact_ips); };
  auto cut = [redact_ips](std::string_view raw, size_t max_bytes) {
    return RedactAndCut(raw, max_bytes, redact_ips);
  };
  // Sections in order of how much they tell; each is added whole or not at all.
  std::vector<std::string> sections;
  std::string s = "## Built-in analysis\nroot cause: " + redacted(builtin.root_cause) +
                  "\nseverity: " + model::SeverityName(builtin.severity) +
                  fmt::format("\nconfidence: {:.2f}\n", builtin.confidence);
  for (const auto& sus : builtin.service_suspects)
    s += fmt::format("service suspect {} ({:.2f}): {}\n", sus.service, sus.score,
                     sus.reasons.empty() ? "" : redacted(sus.reasons[0]));
  for (const auto& d : builtin.deploy_suspects)
    s += fmt::format("deploy suspect #{} of {} ({:.2f})\n", d.id, d.service, d.score);
  sections.push_back(std::move(s));

  s = fmt::format("## Incident\n{} (services: {})\n## Alerts\n", redacted(pack.incident.title),
                  fmt::join(pack.incident.services, ", "));
  for (const auto& a : pack.alerts) {
    s += fmt::format("- [{}] {} {}: {}", model::AlertStatusName(a.data.status), a.data.service,
                     a.data.fingerprint,
                     a.data.name.empty()
                         ? cut(a.data.message, kMaxAlertText)
                         : redacted(a.data.name) + ": " + cut(a.data.message, kMaxAlertText));
    for (const auto& [k, v] : a.data.metrics) s += fmt::format(", {}={:g}", k, v);
    // Instance and version say which rollout a misbehaving instance runs.
    for (const char* label : {"instance", "version"})
      if (auto it = a.data.labels.find(label); it != a.data.labels.end() && !it->second.empty())
        s += fmt::format(", {}={}", label, cut(it->second, 100));
    if (!a.data.deploy.empty()) s += ", deploy=" + redacted(a.data.deploy);
    if (a.count > 1) s += fmt::format(" (x{})", a.count);
    s += "\n";
  }
  sections.push_back(std::move(s));

  s = "## Log templates (new or surging first)\n";
  bool any = false;
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& t : pack.log_templates) {
      const bool notable = t.is_new || t.is_surging;
      if ((pass == 0) != notable) continue;
      any = true;
      s += fmt::format("- {} [{}]{}{} x{}: {}", t.service, t.level, t.is_new ? " NEW" : "",
                       t.is_surging ? " SURGING" : "", t.count, cut(t.text, kMaxLineText));
      if (!t.samples.empty()) s += " | sample: " + cut(t.samples[0], kMaxSampleText);
      s += "\n";
    }
  if (any) sections.push_back(std::move(s));

  if (!pack.error_lines.empty()) {
    s = "## Error lines and stack-trace heads\n";
    for (size_t i = 0; i < pack.error_lines.size() && i < 20; ++i) {
      const auto& l = pack.error_lines[i];
      s += "- " + l.service + ": " + cut(l.message, kMaxLineText) + "\n";
    }
    sections.push_back(std::move(s));
  }
  if (!pack.deploys.empty()) {
    s = "## Deploys (lookback)\n";
    for (const auto& d : pack.deploys)
      s += fmt::format(
          "- #{} of {}{} at {} by {} ({})\n", redacted(d.id), d.service,
          d.version.empty() || d.version == d.id ? "" : " version " + redacted(d.version),
          d.at ? FormatRfc3339(d.at) : "unknown time", redacted(d.author), redacted(d.status));
    sections.push_back(std::move(s));
  }
  if (!pack.similar.empty()) {
    s = "## Similar past incidents\n";
    for (const auto& m : pack.similar)
      s += fmt::format(
          "- #{} {} (similarity {:.2f}); resolution: {}\n", m.incident_id, redacted(m.title),
          m.score,
          m.resolution_note.empty() ? "none recorded" : cut(m.resolution_note, kMaxLineText));
    sections.push_back(std::move(s));
  }
  if (!pack.topology.empty()) {
    s = "## Topology (service -> depends on)\n";
    for (const auto& [service, deps] : pack.topology.depends_on())
      s += fmt::format("- {} -> {}\n", service, fmt::join(deps, ", "));
    sections.push_back(std::move(s));
  }

  int used = EstimateTokens(p.system) + 50;
  for (auto& section : sections) {
    // Values were redacted one by one; this pass over the joined text is a safety net.
    std::string clean = Redact(section, redact_ips);
    int cost = EstimateTokens(clean);
    if (used + cost > budget_tokens) {
      p.truncated = true;
      continue;
    }
    used += cost;
    p.user += clean + "\n";
  }
  p.user += "Answer with the JSON object only.";
  p.estimated_tokens = used;
  return p;
}

}  // namespace quell::analysis::llm
