#include "analysis/rules/failure_rules.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace quell::analysis::rules {
namespace {

TEST(FailureRules, EmbeddedRulesAreTheShippedDataFile) {
  const char* root = std::getenv("QUELL_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  std::ifstream in(std::filesystem::path(root) / "data" / "knowledge" / "failures.json");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), std::string(DefaultRulesJson()));
  EXPECT_GE(FailureRules::Defaults().rules().size(), 15u);
}

TEST(FailureRules, SeedExample) {
  Signals s;
  s.service = "api-gateway";
  s.texts = {"Redis timeout"};
  s.metrics = {{"latency", 4200}};
  s.dependency = "redis";
  s.deploy = "441";
  auto hypotheses = FailureRules::Defaults().Match(s);
  ASSERT_FALSE(hypotheses.empty());
  const auto& top = hypotheses[0];
  EXPECT_EQ(top.rule_id, "connection_pool_exhaustion");
  EXPECT_EQ(top.root_cause, "Possible Redis connection pool exhaustion after deployment #441");
  EXPECT_EQ(top.actions, (std::vector<std::string>{"Rollback deployment #441",
                                                   "Inspect slow Redis queries",
                                                   "Increase connection pool size"}));
  EXPECT_EQ(top.severity, model::Severity::kHigh);
  EXPECT_GT(top.score, 0.85);
  EXPECT_EQ(top.impact, "api-gateway requests are slow or failing (latency 4200 ms)");
}

TEST(FailureRules, WithoutADeployRollbackActionsAreDropped) {
  Signals s{"api", {"Redis timeout"}, {}, {}, "redis", ""};
  auto top = FailureRules::Defaults().Match(s).at(0);
  EXPECT_EQ(top.root_cause, "Possible Redis connection pool exhaustion");
  EXPECT_EQ(top.actions.front(), "Inspect slow Redis queries");
}

struct Family {
  const char* text;
  const char* rule;
};

class FailureRuleFamilies : public ::testing::TestWithParam<Family> {};

TEST_P(FailureRuleFamilies, RealisticMessageMatchesItsRuleFirst) {
  Signals s;
  s.service = "svc";
  s.texts = {GetParam().text};
  auto hypotheses = FailureRules::Defaults().Match(s);
  ASSERT_FALSE(hypotheses.empty()) << GetParam().text;
  EXPECT_EQ(hypotheses[0].rule_id, GetParam().rule) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, FailureRuleFamilies,
    ::testing::Values(
        Family{"HikariPool-1 - Connection is not available, request timed out after 30000ms",
               "connection_pool_exhaustion"},
        Family{"dial tcp 10.0.3.4:6379: connect: connection refused", "dependency_down"},
        Family{"context deadline exceeded while calling inventory", "timeout"},
        Family{"java.lang.OutOfMemoryError: Java heap space", "out_of_memory"},
        Family{"write /var/lib/postgresql/data/base: No space left on device", "disk_full"},
        Family{"x509: certificate has expired or is not yet valid", "certificate_expired"},
        Family{"dial tcp: lookup payments.internal: no such host", "dns_failure"},
        Family{"upstream returned 429 Too Many Requests", "rate_limited"},
        Family{"ERROR: deadlock detected", "deadlock"},
        Family{"failed to load config: missing required environment variable DATABASE_URL",
               "bad_configuration"},
        Family{"Back-off restarting failed container api in pod api-7f9c", "crash_loop"},
        Family{"slow query: SELECT * FROM orders took 4.2s", "slow_queries"},
        Family{"CPU throttling above 90% for 10m", "cpu_saturation"},
        Family{"consumer lag above 50000 on topic orders", "queue_backlog"},
        Family{"HTTP 503 rate above 5% on /checkout", "error_rate_spike"},
        Family{"401 Unauthorized: token expired", "auth_failures"},
        Family{"accept4: too many open files", "fd_exhaustion"}),
    [](const ::testing::TestParamInfo<Family>& param) { return std::string(param.param.rule); });

TEST(FailureRules, NearMissesDoNotMatch) {
  Signals s;
  s.service = "svc";
  s.texts = {"user logged in", "cache warmed", "redistributed 12 shards"};
  EXPECT_TRUE(FailureRules::Defaults().Match(s).empty());
}

TEST(FailureRules, UserRulesAddAndReplaceById) {
  auto user = FailureRules::Parse(R"({"rules":[
    {"id":"disk_full","text":["(?i)disk"],"root_cause":"custom disk cause","weight":1},
    {"id":"billing_job","text":["(?i)invoice batch failed"],"root_cause":"The invoice batch of {service} failed","actions":["Re-run the batch"]}]})");
  ASSERT_TRUE(user) << user.error().ToString();
  FailureRules rules = FailureRules::Defaults();
  const size_t before = rules.rules().size();
  rules.Merge(*user);
  EXPECT_EQ(rules.rules().size(), before + 1);
  Signals s;
  s.service = "billing";
  s.texts = {"invoice batch failed at step 3"};
  EXPECT_EQ(rules.Match(s).at(0).root_cause, "The invoice batch of billing failed");
  s.texts = {"disk alarm"};
  EXPECT_EQ(rules.Match(s).at(0).root_cause, "custom disk cause");
}

TEST(FailureRules, MalformedFilesNameTheRuleAndField) {
  auto check = [](const char* text, const char* field) {
    auto parsed = FailureRules::Parse(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().field(), field) << parsed.error().ToString();
  };
  check("nope", "rules");
  check(R"({"rules":{}})", "rules");
  check(R"({"rules":[{"text":["x"],"root_cause":"y"}]})", "rules[0].id");
  check(R"({"rules":[{"id":"a","text":["(unclosed"],"root_cause":"y"}]})", "rules[0].text[0]");
  check(R"({"rules":[{"id":"a","text":["x"]}]})", "rules[0].root_cause");
  check(R"({"rules":[{"id":"a","root_cause":"y"}]})", "rules[0].text");
}

}  // namespace
}  // namespace quell::analysis::rules
