#include "analysis/rules/failure_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
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
  // The specific evidence: a named datastore client timing out far above a datastore call's
  // normal latency, right after a deploy. Not a generic timeout.
  EXPECT_FALSE(top.generic);
  EXPECT_DOUBLE_EQ(top.specificity, 0.75);
  EXPECT_NE(top.why.find("datastore client times out"), std::string::npos) << top.why;
  EXPECT_DOUBLE_EQ(top.score, 0.9 * (0.75 + 0.1));  // weight x (specificity + the deploy)
  EXPECT_EQ(top.impact, "api-gateway requests are slow or failing (latency 4200 ms)");
}

TEST(FailureRules, ANamedDatastoreTimeoutWithoutHighLatencyIsOnlyAGenericTimeout) {
  Signals s{"api", {"Redis timeout"}, {}, {{"latency", 300}}, "redis", ""};
  auto hypotheses = FailureRules::Defaults().Match(s);
  ASSERT_EQ(hypotheses.size(), 1u);
  EXPECT_EQ(hypotheses[0].rule_id, "timeout");
  EXPECT_TRUE(hypotheses[0].generic);
  EXPECT_EQ(hypotheses[0].root_cause, "Requests from api to Redis time out");
}

TEST(FailureRules, WithoutADeployRollbackActionsAreDropped) {
  Signals s{"api", {"Redis timeout"}, {}, {{"latency", 4200}}, "redis", ""};
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
        Family{"ERROR: canceling statement due to statement timeout", "slow_queries"},
        Family{"Query execution was interrupted, maximum statement execution time exceeded",
               "slow_queries"},
        Family{"upstream request timeout", "upstream_timeout"},
        Family{"upstream timed out (110: Connection timed out) while reading response header "
               "from upstream", "upstream_timeout"},
        Family{"Lock wait timeout exceeded; try restarting transaction", "lock_contention"},
        Family{"ERROR: canceling statement due to lock timeout", "lock_contention"},
        Family{"Timeout: Pool empty. Unable to fetch a connection in 30 seconds, none available",
               "connection_pool_exhaustion"},
        Family{"QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30",
               "connection_pool_exhaustion"},
        Family{"redis.clients.jedis.exceptions.JedisConnectionException: Could not get a resource "
               "from the pool", "connection_pool_exhaustion"},
        Family{"FATAL: sorry, too many clients already", "connection_limit"},
        Family{"no healthy upstream", "dependency_down"},
        Family{"java.lang.NullPointerException: Cannot invoke \"String.length()\"", "code_defect"},
        Family{"java.lang.OutOfMemoryError: Java heap space", "out_of_memory"},
        Family{"write /var/lib/postgresql/data/base: No space left on device", "disk_full"},
        Family{"x509: certificate has expired or is not yet valid", "certificate_expired"},
        Family{"dial tcp: lookup payments.internal: no such host", "dns_failure"},
        Family{"upstream returned 429 Too Many Requests", "rate_limited"},
        Family{"ERROR: deadlock detected", "deadlock"},
        Family{"Deadlock found when trying to get lock; try restarting transaction", "deadlock"},
        Family{"failed to load config: missing required environment variable DATABASE_URL",
               "bad_configuration"},
        Family{"Back-off restarting failed container api in pod api-7f9c", "crash_loop"},
        Family{"slow query: SELECT * FROM orders took 4.2s", "slow_queries"},
        Family{"CPU throttling above 90% for 10m", "cpu_saturation"},
        Family{"consumer lag above 50000 on topic orders", "queue_backlog"},
        Family{"HTTP 503 rate above 5% on /checkout", "error_rate_spike"},
        Family{"401 Unauthorized: token expired", "auth_failures"},
        Family{"accept4: too many open files", "fd_exhaustion"}),
    [](const ::testing::TestParamInfo<Family>& param) {
      return std::string(param.param.rule) + "_" + std::to_string(param.index);
    });

// The confusions of issue 17: each message names its own failure, and its generic words
// ("timeout", a datastore's name) do not make it another rule's evidence, even with a latency
// far above normal and a deploy that would support pool exhaustion.
TEST(FailureRules, TheMoreSpecificReadingOfATextWins) {
  struct Case {
    const char* text;
    const char* rule;
  };
  for (const Case& c : {Case{"org.postgresql.util.PSQLException: ERROR: canceling statement due to "
                             "statement timeout", "slow_queries"},
                        Case{"postgres: canceling statement due to statement timeout", "slow_queries"},
                        Case{"upstream request timeout", "upstream_timeout"},
                        Case{"mysql: Lock wait timeout exceeded; try restarting transaction",
                             "lock_contention"},
                        Case{"HikariPool-1 - Connection is not available, request timed out after "
                             "30000ms.", "connection_pool_exhaustion"}}) {
    Signals s{"orders", {c.text}, {}, {{"latency", 30000}}, "postgres", "318"};
    auto hypotheses = FailureRules::Defaults().Match(s);
    ASSERT_FALSE(hypotheses.empty()) << c.text;
    EXPECT_EQ(hypotheses[0].rule_id, c.rule) << c.text;
    EXPECT_FALSE(hypotheses[0].generic) << c.text;
    EXPECT_GE(hypotheses[0].specificity, 0.9) << c.text;
    for (size_t i = 1; i < hypotheses.size(); ++i)
      EXPECT_NE(hypotheses[i].rule_id, "connection_pool_exhaustion") << c.text;
    for (const auto& h : hypotheses) EXPECT_NE(h.rule_id, "timeout") << c.text;
  }
}

TEST(FailureRules, GenericWordsOnlyGiveALowScoringGenericDiagnosis) {
  Signals s{"reports", {"request timeout after 1500ms", "HTTP 500 on /export"}, {},
            {{"latency", 1500}}, "", ""};
  auto hypotheses = FailureRules::Defaults().Match(s);
  ASSERT_EQ(hypotheses.size(), 2u);
  for (const auto& h : hypotheses) {
    EXPECT_TRUE(h.generic) << h.rule_id;
    EXPECT_DOUBLE_EQ(h.specificity, kGenericSpecificity);
    EXPECT_LT(h.score, 0.35) << h.rule_id;  // below what the analyst takes as a diagnosis
  }
  EXPECT_EQ(hypotheses[0].rule_id, "timeout");
  // Any specific reading outranks generic ones, whatever their scores.
  s.texts.push_back("cpu throttling above 90%");
  hypotheses = FailureRules::Defaults().Match(s);
  ASSERT_EQ(hypotheses.size(), 3u);
  EXPECT_EQ(hypotheses[0].rule_id, "cpu_saturation");
  EXPECT_FALSE(hypotheses[0].generic);
}

// A crash loop is how a bad configuration, running out of memory or a code defect shows: the
// cause is the diagnosis even when the crash loop scores higher (restarts, a deploy).
TEST(FailureRules, ASymptomRuleYieldsToACauseThatHolds) {
  for (const char* cause : {"failed to load config: missing required environment variable X",
                            "java.lang.OutOfMemoryError: Java heap space",
                            "TypeError: cannot read properties of undefined"}) {
    Signals s{"mailer", {"Back-off restarting failed container mailer", cause}, {},
              {{"restarts", 6}}, "", "51"};
    auto hypotheses = FailureRules::Defaults().Match(s);
    ASSERT_GE(hypotheses.size(), 2u) << cause;
    EXPECT_NE(hypotheses[0].rule_id, "crash_loop") << cause;
    EXPECT_FALSE(hypotheses[0].symptom) << cause;
    auto loop = std::find_if(hypotheses.begin(), hypotheses.end(),
                             [](const Hypothesis& h) { return h.rule_id == "crash_loop"; });
    ASSERT_NE(loop, hypotheses.end()) << cause;
    EXPECT_TRUE(loop->symptom);
  }
  // Alone, the symptom is still the diagnosis.
  Signals alone{"mailer", {"Back-off restarting failed container mailer"}, {}, {}, "", ""};
  EXPECT_EQ(FailureRules::Defaults().Match(alone).at(0).rule_id, "crash_loop");
}

TEST(FailureRules, EvidenceGroupsNeedEveryConditionTheyList) {
  auto parsed = FailureRules::Parse(R"({"rules":[
    {"id":"slow_disk","evidence":[{"why":"fsync is slow","text":["(?i)fsync"],
      "metrics":[{"name":"disk_latency","op":">","value":100}],"specificity":0.9}],
     "generic":["(?i)slow"],"root_cause":"{Dependency|The volume} of {service} is slow"}]})");
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  Signals s{"db", {"slow fsync"}, {}, {{"disk_latency_ms", 250}}, "", ""};
  auto h = parsed->Match(s).at(0);
  EXPECT_FALSE(h.generic);
  EXPECT_EQ(h.why, "fsync is slow");
  EXPECT_EQ(h.root_cause, "The volume of db is slow");
  s.metrics = {{"disk_latency_ms", 20}};  // the metric condition fails: generic words remain
  h = parsed->Match(s).at(0);
  EXPECT_TRUE(h.generic);
  s.dependency = "ebs";
  EXPECT_EQ(parsed->Match(s).at(0).root_cause, "ebs of db is slow");
}

// Every shipped rule can be diagnosed specifically: a rule made only of generic words is a
// symptom, and the shipped ones are exactly the two listed here.
TEST(FailureRules, ShippedRulesSaySpecificityOfEachGroup) {
  std::vector<std::string> generic_only;
  for (const auto& rule : FailureRules::Defaults().rules()) {
    bool specific = false;
    for (const auto& g : rule.evidence) {
      specific |= !g.generic;
      if (!g.generic) {
        EXPECT_FALSE(g.why.empty()) << rule.id;
        EXPECT_GE(g.specificity, 0.5) << rule.id;
      }
    }
    if (!specific) generic_only.push_back(rule.id);
  }
  EXPECT_EQ(generic_only, (std::vector<std::string>{"timeout", "error_rate_spike"}));
}

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
  check(R"({"rules":[{"id":"a","evidence":[{"why":"w"}],"root_cause":"y"}]})",
        "rules[0].evidence[0].text");
  check(R"({"rules":[{"id":"a","evidence":[{"text":["(x"]}],"root_cause":"y"}]})",
        "rules[0].evidence[0].text[0]");
}

}  // namespace
}  // namespace quell::analysis::rules
