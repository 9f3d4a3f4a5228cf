// Agreement between the two analysts, and the merged record surviving the JSON round trip the
// store and the API put it through.
#include "analysis/llm/merge.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "model/json_codec.h"

namespace quell::analysis::llm {
namespace {

model::Analysis Answer(std::string analyzer, std::string service, std::string deploy,
                       model::Severity severity) {
  model::Analysis a;
  a.analyzer = std::move(analyzer);
  a.root_cause = a.analyzer + " thinks so";
  a.severity = severity;
  a.confidence = 0.7;
  if (!service.empty()) a.service_suspects.push_back({"", service, 0.9, {}, {}, ""});
  if (!deploy.empty()) a.deploy_suspects.push_back({deploy, service, 0.8, {}, {}, ""});
  return a;
}

TEST(Agreement, SameServiceSameDeployNeighbouringSeverity) {
  using model::Severity;
  auto builtin = Answer("builtin", "redis", "441", Severity::kHigh);
  EXPECT_TRUE(CompareAnalyses(builtin, Answer("m", "redis", "441", Severity::kCritical)).agree);
  EXPECT_TRUE(CompareAnalyses(builtin, Answer("m", "redis", "441", Severity::kMedium)).agree);

  auto far = CompareAnalyses(builtin, Answer("m", "redis", "441", Severity::kLow));
  EXPECT_FALSE(far.agree);
  EXPECT_TRUE(far.service && far.deploy);
  EXPECT_FALSE(far.severity);

  auto other_deploy = CompareAnalyses(builtin, Answer("m", "redis", "440", Severity::kHigh));
  EXPECT_FALSE(other_deploy.agree);
  EXPECT_FALSE(other_deploy.deploy);

  auto other_service = CompareAnalyses(builtin, Answer("m", "api", "441", Severity::kHigh));
  EXPECT_FALSE(other_service.agree);
  EXPECT_FALSE(other_service.service);

  // Neither blaming a deploy is agreement on that point.
  EXPECT_TRUE(CompareAnalyses(Answer("builtin", "redis", "", Severity::kHigh),
                              Answer("m", "redis", "", Severity::kHigh))
                  .agree);
  EXPECT_FALSE(CompareAnalyses(Answer("builtin", "redis", "", Severity::kUnknown),
                               Answer("m", "redis", "", Severity::kUnknown))
                   .severity);
}

TEST(MergeAnswers, PrimaryCarriesTheOtherAndSurvivesJson) {
  auto llm = Answer("ollama:gemma4:e4b", "redis", "441", model::Severity::kHigh);
  llm.llm_prompt = "the prompt";
  llm.tool_steps = {{"search_logs", R"({"service":"api"})", "3 matching line(s)"}};
  auto merged = MergeAnswers(Answer("builtin", "redis", "441", model::Severity::kHigh), llm,
                             /*llm_primary=*/true);
  EXPECT_EQ(merged.analyzer, "ollama:gemma4:e4b");
  EXPECT_EQ(merged.llm_note,
            "ollama:gemma4:e4b agrees with the built-in analyst; the built-in analyst said: "
            "builtin thinks so (confidence 0.70)");

  auto text = model::AnalysisToJsonText(merged);
  auto back = model::AnalysisFromJson(boost::json::parse(text));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->llm_primary, "llm");
  ASSERT_TRUE(back->agreement);
  EXPECT_TRUE(back->agreement->agree);
  ASSERT_EQ(back->secondary.size(), 1u);
  EXPECT_EQ(back->secondary[0].analyzer, "builtin");
  EXPECT_TRUE(back->secondary[0].llm_prompt.empty());  // the audit fields live on the primary
  ASSERT_EQ(back->tool_steps.size(), 1u);
  EXPECT_EQ(back->tool_steps[0].result, "3 matching line(s)");
  EXPECT_EQ(model::AnalysisToJsonText(*back), text);

  auto builtin_first = MergeAnswers(Answer("builtin", "redis", "441", model::Severity::kHigh),
                                    Answer("ollama:x", "api", "", model::Severity::kLow), false);
  EXPECT_EQ(builtin_first.analyzer, "builtin");
  EXPECT_EQ(builtin_first.llm_primary, "builtin");
  EXPECT_EQ(builtin_first.secondary.at(0).analyzer, "ollama:x");
  EXPECT_NE(builtin_first.llm_note.find("ollama:x differs from the built-in analyst"),
            std::string::npos);
}

}  // namespace
}  // namespace quell::analysis::llm
