#include "analysis/llm/merge.h"

#include <fmt/format.h>

#include <cstdlib>

namespace quell::analysis::llm {
namespace {

std::string TopService(const model::Analysis& a) {
  return a.service_suspects.empty() ? "" : a.service_suspects.front().service;
}

std::string TopDeploy(const model::Analysis& a) {
  return a.deploy_suspects.empty() ? "" : a.deploy_suspects.front().id;
}

}  // namespace

model::Agreement CompareAnalyses(const model::Analysis& builtin, const model::Analysis& llm) {
  model::Agreement g;
  g.service = TopService(builtin) == TopService(llm);
  g.deploy = TopDeploy(builtin) == TopDeploy(llm);
  // Severity is the enum's order, critical first; neighbours agree ("high" vs "critical" is a
  // judgement call, "critical" vs "low" is not).
  const bool known =
      builtin.severity != model::Severity::kUnknown && llm.severity != model::Severity::kUnknown;
  g.severity =
      known && std::abs(static_cast<int>(builtin.severity) - static_cast<int>(llm.severity)) <= 1;
  g.agree = g.service && g.deploy && g.severity;
  return g;
}

model::Analysis MergeAnswers(model::Analysis builtin, model::Analysis llm, bool llm_primary) {
  const model::Agreement agreement = CompareAnalyses(builtin, llm);
  std::string prompt = std::move(llm.llm_prompt);
  std::vector<model::ToolStep> steps = std::move(llm.tool_steps);
  llm.llm_prompt.clear();
  llm.llm_note.clear();
  const std::string llm_name = llm.analyzer;
  model::Analysis primary = llm_primary ? std::move(llm) : std::move(builtin);
  model::Analysis other = llm_primary ? std::move(builtin) : std::move(llm);
  primary.llm_note = fmt::format("{} {} the built-in analyst; {} said: {} (confidence {:.2f})",
                                 llm_name, agreement.agree ? "agrees with" : "differs from",
                                 llm_primary ? "the built-in analyst" : llm_name, other.root_cause,
                                 other.confidence);
  primary.llm_prompt = std::move(prompt);
  primary.tool_steps = std::move(steps);
  primary.llm_primary = llm_primary ? "llm" : "builtin";
  primary.agreement = agreement;
  primary.secondary.clear();
  primary.secondary.push_back(std::move(other));
  return primary;
}

}  // namespace quell::analysis::llm
