// Log mining with two `quell serve --db` nodes on one private PostgreSQL, as behind a load
// balancer: lines POSTed half to one node and half to the other are mined by both, so either
// node's templates endpoint and incident analysis see all of them (counts, error lines); a node
// stopped, or killed, and started again neither loses nor counts twice a line. All the while a
// write transaction stays open in another database of the server, which holds nothing back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "server_process.h"
#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_log_cursor.h"
#include "support/private_postgres.h"
#include "support/process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

class PostgresLogs : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = CreateTestDatabase();
    ASSERT_TRUE(database) << database.error().ToString();
    url_ = *database;
    // A long batch job of another application on the same server: it does not hold back the
    // nodes' mining (their requests would wait 2 s and count the lines in not_mined).
    auto elsewhere = CreateTestDatabase();
    ASSERT_TRUE(elsewhere) << elsewhere.error().ToString();
    auto conn = store::PgConn::Open(*elsewhere);
    ASSERT_TRUE(conn) << conn.error().ToString();
    busy_ = std::move(*conn);
    ASSERT_TRUE(
        busy_->Exec("BEGIN; CREATE TABLE batch (x int); INSERT INTO batch VALUES (1)").ok());
    ASSERT_TRUE(a_.Start(Args())) << a_.log();
    token_ = a_.admin_token();
    ASSERT_FALSE(token_.empty()) << a_.log();
    ASSERT_TRUE(b_.Start(Args())) << b_.log();
  }

  std::vector<std::string> Args() const {
    return {"--db", url_, "--set", "analysis.delay=0s"};
  }

  // `requests` requests of 50 lines each, sent to a and b in turn: info lines "user N logged in
  // from HOST" and error lines "payment N failed: card declined", one of each per pair. Lines
  // are numbered from `first`.
  void PostLines(int requests, int first, std::vector<ServerProcess*> nodes) {
    for (int r = 0; r < requests; ++r) {
      json::array entries;
      for (int i = 0; i < 50; ++i) {
        const int n = first + r * 50 + i;
        entries.push_back(
            i % 2 ? json::object{{"level", "info"},
                                 {"message", "user " + std::to_string(n) + " logged in from 10.0.0." +
                                                 std::to_string(n % 200)}}
                  : json::object{{"level", "error"},
                                 {"message", "payment " + std::to_string(n) +
                                                 " failed: card declined"}});
      }
      const std::string body =
          json::serialize(json::object{{"service", "shop"}, {"entries", std::move(entries)}});
      auto answer = nodes[static_cast<size_t>(r) % nodes.size()]->Post("/api/v1/logs", body, token_);
      ASSERT_EQ(answer.status, 202) << answer.body;
    }
  }

  // Template text -> count, and not_mined, from `node`'s templates endpoint.
  std::pair<std::map<std::string, int64_t>, int64_t> Templates(const ServerProcess& node) {
    auto answer = node.Get("/api/v1/logs/templates?service=shop", token_);
    EXPECT_EQ(answer.status, 200) << answer.body;
    std::map<std::string, int64_t> counts;
    if (answer.status != 200) return {counts, -1};
    const auto body = json::parse(answer.body);
    for (const auto& t : body.at("templates").as_array())
      counts[std::string(t.at("template").as_string())] += t.at("count").as_int64();
    return {counts, body.at("not_mined").as_int64()};
  }

  // Every line is mined exactly once on both nodes: `pairs` lines of each of the two templates,
  // and `others` lines of other templates.
  void ExpectAllMinedOnBoth(int64_t pairs, int64_t others, const std::string& when) {
    for (const ServerProcess* node : {&a_, &b_}) {
      auto [counts, not_mined] = Templates(*node);
      const std::string which = (node == &a_ ? "node a, " : "node b, ") + when;
      EXPECT_EQ(counts["payment <*> failed: card declined"], pairs) << which;
      EXPECT_EQ(counts["user <*> logged in from <*>"], pairs) << which;
      int64_t total = 0;
      for (const auto& [text, n] : counts) total += n;
      EXPECT_EQ(total, 2 * pairs + others) << which;
      EXPECT_EQ(not_mined, 0) << which;
    }
  }

  // The evidence of `node`'s analysis of incident `id` (serialized, in order).
  std::vector<std::string> Evidence(const ServerProcess& node, int64_t id) {
    auto answer = node.Post("/api/v1/incidents/" + std::to_string(id) + "/analyze", "", token_);
    EXPECT_EQ(answer.status, 200) << answer.body;
    std::vector<std::string> out;
    if (answer.status != 200) return out;
    const json::value analysis = json::parse(answer.body);
    for (const auto& e : analysis.at("evidence").as_array()) out.push_back(json::serialize(e));
    return out;
  }

  // `node`'s quell_log_mining_queue_lines, or -1.
  double Backlog(const ServerProcess& node) {
    auto answer = node.Get("/metrics", token_);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return MetricSample(answer.body, "quell_log_mining_queue_lines").value_or(-1);
  }

  // Runs `during` while a log append is left open (BeginLogAppend with an xid, as another node's
  // slow POST /api/v1/logs): the lines stored after it began are held back from every miner
  // (store.h, ReadLogsAfter) until it commits.
  void WhileLinesAreHeldBack(const std::function<void()>& during) {
    auto holder = store::PgConn::Open(url_);
    ASSERT_TRUE(holder) << holder.error().ToString();
    ASSERT_TRUE(store::BeginLogAppend(**holder).ok());
    ASSERT_TRUE((*holder)->Exec("SELECT pg_current_xact_id()").ok());  // an xid, as its INSERT
    during();
    ASSERT_TRUE((*holder)->Exec("COMMIT").ok());
  }

  // Runs psql on the test database with `sql` to completion; its output.
  std::string Psql(const std::string& sql) {
    auto server = TestPostgres();
    EXPECT_TRUE(server) << server.error().ToString();
    if (!server) return "";
    const std::string out = ::testing::TempDir() + "quell_psql_logs_" + std::to_string(::getpid());
    std::filesystem::remove(out);
    const int exit = RunProcess({(*server)->bin_dir() + "/psql", "-X", "-A", "-t", "-q", url_,
                                 "-c", sql},
                                out);
    const std::string text = ReadTextFile(out);
    std::filesystem::remove(out);
    EXPECT_EQ(exit, 0) << text;
    return text;
  }

  std::string url_;
  std::unique_ptr<store::PgConn> busy_;  // in a write transaction for the whole test
  std::string token_;
  ServerProcess a_;
  ServerProcess b_;
};

TEST_F(PostgresLogs, EveryNodeMinesTheLinesPostedToAnyNode) {
  PostLines(20, 0, {&a_, &b_});  // 1000 lines: 500 to each node
  // A node reads on to the lines stored before the request, whichever node stored them.
  ExpectAllMinedOnBoth(500, 0, "after the first lines");

  // An incident of the service, analysed on each node: the same templates and counts, and the
  // trace b received after the incident opened (error lines count from its first symptom).
  auto alert = json::parse(
      a_.Post("/api/v1/alerts", R"({"service":"shop","error":"HTTP 500 on /pay"})", token_).body);
  const std::string analyze =
      "/api/v1/incidents/" + std::to_string(alert.at("incident_id").as_int64()) + "/analyze";
  // The error lines of a stack trace (one entry), posted to b only.
  auto trace = b_.Post("/api/v1/logs", R"x({"service":"shop","lines":[
      "ERROR Request failed",
      "java.lang.IllegalStateException: pool exhausted",
      "\tat com.acme.Pool.get(Pool.java:42)"]})x", token_);
  ASSERT_EQ(trace.status, 202) << trace.body;

  for (const ServerProcess* node : {&a_, &b_}) {
    auto answer = node->Post(analyze, "", token_);
    ASSERT_EQ(answer.status, 200) << answer.body;
    const auto analysis = json::parse(answer.body);
    std::map<std::string, std::string> templates;  // text -> detail
    for (const auto& e : analysis.at("evidence").as_array())
      if (e.at("kind") == "log_template") {
        const std::string detail(e.at("detail").as_string());
        templates[detail.substr(detail.find(": ") + 2)] = detail;
      }
    const std::string which = node == &a_ ? "node a" : "node b";
    EXPECT_NE(templates["payment <*> failed: card declined"].find("(x500)"), std::string::npos)
        << which << ": " << analysis;
    EXPECT_NE(templates["user <*> logged in from <*>"].find("(x500)"), std::string::npos)
        << which << ": " << analysis;
    bool saw_trace = false;
    for (const auto& e : analysis.at("evidence").as_array())
      saw_trace |= e.at("kind") == "stack_trace" &&
               std::string(e.at("detail").as_string()).find("IllegalStateException") !=
                   std::string::npos;
    EXPECT_TRUE(saw_trace) << which << " sees the error lines b received: " << analysis;
  }

  // b saves its state when stopped; a goes on alone; b starts from the state furthest on and
  // reads on from there.
  EXPECT_EQ(b_.Stop(), 0) << b_.log();
  PostLines(10, 1000, {&a_});  // 500 more while b is down
  ASSERT_TRUE(b_.Start(Args())) << b_.log();
  ExpectAllMinedOnBoth(750, 1, "after b restarted");

  // A node killed loses the state it had not saved; it starts from the unit furthest on (b's)
  // and reads on from its cursor: still every line once.
  a_.Kill();
  PostLines(6, 1500, {&b_});
  ASSERT_TRUE(a_.Start(Args())) << a_.log();
  ExpectAllMinedOnBoth(900, 1, "after a was killed and started again");
}

// On PostgreSQL the log mining gauge is the node's backlog: lines stored (by any node) after its
// cursor. A log append left open (another node's, slow) holds back the mining of the lines
// stored after it began (store.h, ReadLogsAfter): both nodes count them until it ends, then
// mine them.
TEST_F(PostgresLogs, TheQueueGaugeIsWhatTheNodeHasNotMinedYet) {
  PostLines(2, 0, {&a_, &b_});
  ExpectAllMinedOnBoth(50, 0, "before");
  EXPECT_EQ(Backlog(a_), 0);
  EXPECT_EQ(Backlog(b_), 0);

  WhileLinesAreHeldBack([&] {
    PostLines(2, 100, {&a_, &b_});  // 100 lines, stored after the open append began
    EXPECT_EQ(Backlog(a_), 100);
    EXPECT_EQ(Backlog(b_), 100);
  });
  for (const ServerProcess* node : {&a_, &b_})
    EXPECT_TRUE(WaitUntil([&] { return Backlog(*node) == 0; }, std::chrono::seconds(10)))
        << "mined once the transaction ended";
  ExpectAllMinedOnBoth(100, 0, "after");
}

// Lines pruned (logs.max_rows) before a node read them are never mined: each node counts them as
// not mined when it reads on past them, in the templates' `not_mined` and in /metrics.
TEST_F(PostgresLogs, LinesPrunedBeforeANodeReadThemAreCountedAsNotMined) {
  for (ServerProcess* node : {&a_, &b_}) {
    EXPECT_EQ(node->Stop(), 0) << node->log();
    std::vector<std::string> args = Args();
    args.insert(args.end(), {"--set", "logs.max_rows=1000"});
    ASSERT_TRUE(node->Start(args)) << node->log();
  }
  // 1300 lines in a's first batch, which prunes: the 300 oldest go before any node read them.
  json::array lines;
  for (int i = 0; i < 1300; ++i)
    lines.push_back(json::string("user " + std::to_string(i) + " logged in from 10.0.0." +
                                 std::to_string(i % 200)));
  const std::string body =
      json::serialize(json::object{{"service", "shop"}, {"lines", std::move(lines)}});
  WhileLinesAreHeldBack([&] {
    auto answer = a_.Post("/api/v1/logs", body, token_);
    EXPECT_EQ(answer.status, 202) << answer.body;
  });

  for (const ServerProcess* node : {&a_, &b_}) {
    const std::string which = node == &a_ ? "node a" : "node b";
    auto [counts, not_mined] = Templates(*node);
    EXPECT_EQ(counts["user <*> logged in from <*>"], 1000) << which;
    EXPECT_EQ(not_mined, 300) << which;
    auto metrics = node->Get("/metrics", token_);
    EXPECT_EQ(MetricSample(metrics.body, R"(quell_log_lines_not_mined_total{service="shop"})"), 300)
        << which << ": " << metrics.body.substr(0, 2000);
    EXPECT_EQ(Backlog(*node), 0) << which;
  }
}

// A restarted node loads the unit furthest on: with its cursor come the miners, the level of each
// template and the newest error lines, so its analysis of an incident is the one a node that
// never stopped makes (error templates counted as errors, the stack trace in the error lines).
TEST_F(PostgresLogs, ARestartedNodeAnalysesAsANodeThatNeverStopped) {
  PostLines(10, 0, {&a_, &b_});  // 500 lines: 250 errors
  auto alert = json::parse(
      a_.Post("/api/v1/alerts", R"({"service":"shop","error":"HTTP 500 on /pay"})", token_).body);
  const int64_t id = alert.at("incident_id").as_int64();
  // Error lines after the incident's first symptom: a stack trace (one entry).
  auto trace = a_.Post("/api/v1/logs", R"x({"service":"shop","lines":[
      "ERROR Request failed",
      "java.lang.IllegalStateException: pool exhausted",
      "\tat com.acme.Pool.get(Pool.java:42)"]})x", token_);
  ASSERT_EQ(trace.status, 202) << trace.body;
  ExpectAllMinedOnBoth(250, 1, "before any restart");
  const auto expected = Evidence(a_, id);
  auto has = [&expected](const std::string& text) {
    for (const auto& e : expected)
      if (e.find(text) != std::string::npos) return true;
    return false;
  };
  ASSERT_TRUE(has(R"("kind":"stack_trace")")) << "the error lines are evidence";
  ASSERT_TRUE(has("error template")) << "the levels are evidence";
  ASSERT_EQ(Evidence(b_, id), expected) << "two nodes that never stopped agree";

  // b stopped (it saves its unit) and started: it reads nothing again, all comes from its unit.
  EXPECT_EQ(b_.Stop(), 0) << b_.log();
  ASSERT_TRUE(b_.Start(Args())) << b_.log();
  EXPECT_EQ(Evidence(b_, id), expected) << "b, stopped and started";

  // a killed: it starts from the unit furthest on (b's).
  a_.Kill();
  ASSERT_TRUE(a_.Start(Args())) << a_.log();
  EXPECT_EQ(Evidence(a_, id), expected) << "a, killed and started";
  ExpectAllMinedOnBoth(250, 1, "after the restarts");
}

// A node's id is kept in its data dir (node-id): stopped or killed and started again, it saves
// its log miners as one unit under it, leaving none behind. A node started on a copy of a live
// node's data dir finds that id's lock held and saves under a random id, never over the other's.
TEST_F(PostgresLogs, ANodeKeepsItsIdAcrossRestartsAndNoTwoLiveNodesShareOne) {
  PostLines(2, 0, {&a_, &b_});
  ExpectAllMinedOnBoth(50, 0, "before");
  auto id_of = [](const ServerProcess& node) {
    std::string id = ReadTextFile(node.data_dir() + "/data/node-id");
    if (!id.empty() && id.back() == '\n') id.pop_back();
    return id;
  };
  const std::string a_id = id_of(a_), b_id = id_of(b_);
  ASSERT_EQ(b_id.size(), 16u) << "made at the first start";
  ASSERT_NE(a_id, b_id);
  auto units = [this] {
    return Psql("SELECT key FROM settings WHERE key LIKE 'logminer-node:%' ORDER BY key");
  };
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(b_.Stop(), 0) << b_.log();  // saves
    ASSERT_TRUE(b_.Start(Args())) << b_.log();
  }
  a_.Kill();  // saves nothing
  ASSERT_TRUE(a_.Start(Args())) << a_.log();
  EXPECT_EQ(a_.Stop(), 0) << a_.log();
  ASSERT_TRUE(a_.Start(Args())) << a_.log();
  EXPECT_EQ(id_of(a_), a_id);
  EXPECT_EQ(id_of(b_), b_id);
  const std::string expected = a_id < b_id
                                   ? "logminer-node:" + a_id + "\nlogminer-node:" + b_id + "\n"
                                   : "logminer-node:" + b_id + "\nlogminer-node:" + a_id + "\n";
  EXPECT_EQ(units(), expected) << "one unit per node, under its own id";

  // c: a copy of b's data dir, started while b runs.
  ServerProcess c;
  std::filesystem::create_directories(c.data_dir() + "/data");
  std::filesystem::copy_file(b_.data_dir() + "/data/node-id", c.data_dir() + "/data/node-id");
  ASSERT_TRUE(c.Start(Args())) << c.log();
  PostLines(2, 100, {&c});
  EXPECT_EQ(c.Stop(), 0) << c.log();
  EXPECT_NE(c.log().find("node id " + b_id + " is in use by another live node"), std::string::npos)
      << c.log();
  const std::string after = units();
  EXPECT_EQ(std::count(after.begin(), after.end(), '\n'), 3) << after;
  EXPECT_NE(after.find("logminer-node:" + b_id), std::string::npos);
  // b's unit is b's: b stopped and started reads on from the unit furthest on (c's), and both
  // nodes have every line once.
  EXPECT_EQ(b_.Stop(), 0) << b_.log();
  ASSERT_TRUE(b_.Start(Args())) << b_.log();
  ExpectAllMinedOnBoth(100, 0, "after c");
}

}  // namespace
}  // namespace quell::testing
