// Word variables (MinerOptions::merge_distinct_values, merge_max_positions): a position whose
// words vary across the lines of one template becomes <*> even without a digit, while constant
// words and short enumerations stay. The fixtures are synthetic and the values carry no digits,
// so typed masking cannot be what finds them.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "analysis/logmine/template_miner.h"

namespace quell::analysis::logmine {
namespace {

// Mines every line with default options and returns the final template of each line.
std::vector<std::string> Mine(const std::vector<std::string>& lines) {
  TemplateMiner miner;
  std::vector<uint64_t> ids;
  for (const std::string& line : lines) ids.push_back(miner.Add(line).cluster_id);
  std::vector<std::string> out;
  for (uint64_t id : ids) out.push_back(miner.Find(id)->Template());
  return out;
}

std::set<std::string> Distinct(const std::vector<std::string>& templates) {
  return {templates.begin(), templates.end()};
}

TEST(WordVariablesTest, HostNamesBecomeAVariable) {
  auto t = Mine({"lost connection to replica alpha.corp.example while syncing",
                 "lost connection to replica bravo.corp.example while syncing",
                 "lost connection to replica charlie.corp.example while syncing",
                 "lost connection to replica delta.corp.example while syncing"});
  EXPECT_EQ(Distinct(t),
            std::set<std::string>{"lost connection to replica <*> while syncing"});
}

TEST(WordVariablesTest, UserNamesBecomeAVariable) {
  auto t = Mine({"session opened for user alice by sshd", "session opened for user bob by sshd",
                 "session opened for user carol by sshd", "session opened for user dave by sshd"});
  EXPECT_EQ(Distinct(t), std::set<std::string>{"session opened for user <*> by sshd"});
}

TEST(WordVariablesTest, RelativeFilePathsBecomeAVariable) {
  auto t = Mine({"reloading config conf/app.yaml after change",
                 "reloading config conf/db.yaml after change",
                 "reloading config etc/cache.toml after change",
                 "reloading config conf/queue.ini after change"});
  EXPECT_EQ(Distinct(t), std::set<std::string>{"reloading config <*> after change"});
}

TEST(WordVariablesTest, QuotedIdentifiersBecomeAVariableAndKeepTheirQuotes) {
  auto t = Mine({"unknown column 'email' in table", "unknown column 'status' in table",
                 "unknown column 'owner' in table", "unknown column 'label' in table"});
  ASSERT_EQ(Distinct(t).size(), 1u) << t[0] << " / " << t[3];
  EXPECT_EQ(t[0].find("email"), std::string::npos) << t[0];
  EXPECT_NE(t[0].find("<*>"), std::string::npos) << t[0];
  EXPECT_EQ(t[0].rfind("unknown column ", 0), 0u) << t[0];
  EXPECT_NE(t[0].find(" in table"), std::string::npos) << t[0];
}

TEST(WordVariablesTest, TwoWordVariablesInOneLineMergeTogether) {
  // User and host change together: every pair of lines differs at two positions.
  auto t = Mine({"login refused for alice from alpha.corp.example",
                 "login refused for bob from bravo.corp.example",
                 "login refused for carol from charlie.corp.example",
                 "login refused for dave from delta.corp.example"});
  EXPECT_EQ(Distinct(t), std::set<std::string>{"login refused for <*> from <*>"});
}

TEST(WordVariablesTest, NewValuesAfterTheMergeJoinTheTemplate) {
  TemplateMiner miner;
  uint64_t id = 0;
  for (const char* user : {"alice", "bob", "carol"}) {
    id = miner.Add(std::string("password changed for user ") + user + " today").cluster_id;
  }
  auto later = miner.Add("password changed for user mallory today");
  EXPECT_EQ(later.cluster_id, miner.Find(id)->id);
  EXPECT_EQ(later.change, ChangeType::kNone);
  EXPECT_EQ(miner.cluster_count(), 1u);
}

TEST(WordVariablesTest, AConstantWordStaysConstant) {
  // "granted" never varies; only the user does.
  auto t = Mine({"access granted to alice", "access granted to bob", "access granted to carol",
                 "access granted to alice"});
  EXPECT_EQ(Distinct(t), std::set<std::string>{"access granted to <*>"});
}

TEST(WordVariablesTest, TwoStateWordsStayTwoTemplates) {
  auto t = Mine({"worker state changed to RUNNING", "worker state changed to STOPPED",
                 "worker state changed to RUNNING", "worker state changed to STOPPED"});
  EXPECT_EQ(Distinct(t), (std::set<std::string>{"worker state changed to RUNNING",
                                                "worker state changed to STOPPED"}));
}

TEST(WordVariablesTest, AnEnumerationAcrossTwoPositionsStaysConstant) {
  // Transitions between states: both positions draw from one set of words, so this is an
  // enumeration seen in two slots, not two independent variables.
  std::vector<std::string> lines = {"job moved from NEW to QUEUED", "job moved from QUEUED to RUNNING",
                                    "job moved from RUNNING to DONE", "job moved from DONE to ARCHIVED"};
  auto t = Mine(lines);
  EXPECT_EQ(Distinct(t), Distinct(lines));
}

TEST(WordVariablesTest, AConstantWordElsewhereKeepsTemplatesApart) {
  // opened/closed is a pair (two values), the user a variable: two templates, not one.
  std::vector<std::string> lines;
  for (const char* user : {"alice", "bob", "carol"}) {
    lines.push_back(std::string("session opened for user ") + user);
    lines.push_back(std::string("session closed for user ") + user);
  }
  EXPECT_EQ(Distinct(Mine(lines)), (std::set<std::string>{"session opened for user <*>",
                                                          "session closed for user <*>"}));
}

TEST(WordVariablesTest, MergingCanBeSwitchedOff) {
  MinerOptions options;
  options.merge_distinct_values = 0;
  TemplateMiner miner(options);
  for (const char* user : {"alice", "bob", "carol", "dave"}) {
    miner.Add(std::string("session opened for user ") + user + " by sshd");
  }
  EXPECT_EQ(miner.cluster_count(), 4u);
}

}  // namespace
}  // namespace quell::analysis::logmine
