// When both analysts answered: how their answers compare (model::Agreement) and the one record
// that is stored: the primary answer (llm.primary) with the other kept whole in `secondary`, so
// the API shows both. Pure.
#pragma once

#include "model/analysis.h"

namespace quell::analysis::llm {

// Same top service suspect, same top deploy suspect (or neither has one), severities at most
// one level apart (an unknown severity matches nothing).
model::Agreement CompareAnalyses(const model::Analysis& builtin, const model::Analysis& llm);

// The primary answer carrying the other in `secondary`, `agreement`, `llm_primary` and a note:
// "<llm> agrees with|differs from the built-in analyst; <the other> said: <its root cause>
// (confidence 0.70)". Audit fields (llm_prompt, tool_steps) are taken from `llm`.
model::Analysis MergeAnswers(model::Analysis builtin, model::Analysis llm, bool llm_primary);

}  // namespace quell::analysis::llm
