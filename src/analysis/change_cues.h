// Change cues in free text: sentences of an alert or a post-mortem that describe a change to the
// system (a deploy, rollout, release, upgrade, update, migration, configuration change, rollback
// or revert). When no deploy is recorded, the analyst calls an incident change-induced only when
// its texts carry at least AnalystOptions::change_sentences such sentences. Words, not a model:
// whole words in any letter case, by their stems ("rolled out", "roll-out", "upgrading"). Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quell::analysis {

struct ChangeCue {
  std::string word;      // the cue as written ("rolled out")
  std::string sentence;  // the sentence it is in, at most 240 characters
};

std::vector<ChangeCue> FindChangeCues(std::string_view text);

}  // namespace quell::analysis
