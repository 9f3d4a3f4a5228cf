// Escalation policies on a ManualClock: steps taken at their times with who they page, stopping
// on ack, resolve and silences (and starting over on unack), repeat, routes (first match wins,
// the default), the snapshot an incident keeps when its policy is edited, a restart in the
// middle (a real SQLite file reopened), validation, and escalation.after when there is no policy.
#include <gtest/gtest.h>

#include "engine/engine_test_fixture.h"
#include "engine/incident_changes.h"
#include "model/escalation_json.h"

namespace quell::engine {
namespace {

using model::EscalationPolicy;
using model::EscalationTarget;
using model::EventKind;
using model::MatchOp;

constexpr int64_t kChat = -100500;
constexpr TimeMs kHandoff = 1'600'000'000'000;  // before ManualClock's start

class EscalationTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    AddPeople();
  }

  void AddPeople() {
    ASSERT_TRUE(engine_->oncall().PutUser({"ana", 555}));
    ASSERT_TRUE(engine_->oncall().PutUser({"bob", 666}));
    ASSERT_TRUE(engine_->oncall().PutUser({"cy", 0}));
    model::Schedule primary{"primary", "UTC", {{{"ana"}, 7 * 24 * kHourMs, kHandoff}}};
    ASSERT_TRUE(engine_->oncall().PutSchedule(primary));
  }

  static EscalationPolicy TwoSteps(const std::string& name = "default") {
    EscalationPolicy policy;
    policy.name = name;
    policy.steps = {{0, {EscalationTarget{"primary", "", 0}}},
                    {15 * kMinuteMs, {EscalationTarget{"", "bob", 0}, EscalationTarget{"", "", kChat}}}};
    return policy;
  }

  void PutPolicy(const EscalationPolicy& policy) {
    auto put = engine_->escalation().Put(policy);
    ASSERT_TRUE(put) << put.error().ToString();
  }

  // Runs the due jobs as the job runner would: "escalation" through the engine, the others
  // dropped. Returns the pages the steps enqueued ("escalation.page" payloads), in order.
  std::vector<model::Page> RunDue() {
    std::vector<model::Page> pages;
    for (int i = 0; i < 1000; ++i) {
      auto job = store_->ClaimJob(clock_.Now(), kMinuteMs);
      EXPECT_TRUE(job) << job.error().ToString();
      if (!job || !*job) break;
      if ((*job)->kind == kEscalationJob) {
        auto ran = engine_->RunEscalation((*job)->incident_id);
        EXPECT_TRUE(ran) << ran.error().ToString();
      } else if ((*job)->kind == kEscalationPageJob) {
        auto page = model::PageFromJsonText((*job)->payload);
        EXPECT_TRUE(page) << page.error().ToString();
        if (page) pages.push_back(*page);
      }
      EXPECT_TRUE(store_->CompleteJob((*job)->id).ok());
    }
    return pages;
  }

  model::EscalationState State(int64_t id) {
    auto state = engine_->EscalationStateOf(id);
    EXPECT_TRUE(state && *state) << (state ? "no policy" : state.error().ToString());
    return state && *state ? **state : model::EscalationState{};
  }

  int64_t OpenIncident(const std::string& service = "api") { return Send(Alert(service, "boom")).incident_id; }
};

TEST_F(EscalationTest, StepsAreTakenAtTheirTimesAndPageWhoTheyName) {
  PutPolicy(TwoSteps());
  const TimeMs opened = clock_.Now();
  const int64_t id = OpenIncident();
  auto first = RunDue();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].step, 0u);
  EXPECT_EQ(first[0].policy, "default");
  ASSERT_EQ(first[0].recipients.size(), 1u);
  EXPECT_EQ(first[0].recipients[0].user, "ana");
  EXPECT_EQ(first[0].recipients[0].via, "schedule primary");
  EXPECT_EQ(first[0].recipients[0].telegram_user_id, 555);
  auto steps = Events(id, EventKind::kEscalationStep);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(first[0].step_event_id, steps[0].id);
  EXPECT_NE(steps[0].note.find("step 1 of 2"), std::string::npos) << steps[0].note;
  EXPECT_NE(steps[0].note.find("ana (schedule primary)"), std::string::npos) << steps[0].note;
  model::EscalationState state = State(id);
  EXPECT_EQ(state.steps_taken, 1u);
  ASSERT_TRUE(state.next_step);
  EXPECT_EQ(*state.next_step, 1u);
  EXPECT_EQ(state.next_at, opened + 15 * kMinuteMs);

  clock_.Advance(15 * kMinuteMs - 1);
  EXPECT_TRUE(RunDue().empty()) << "step 2 is not due before 15m";
  EXPECT_EQ(Events(id, EventKind::kEscalationStep).size(), 1u);
  clock_.Advance(1);
  auto second = RunDue();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].step, 1u);
  ASSERT_EQ(second[0].recipients.size(), 2u);
  EXPECT_EQ(second[0].recipients[0].user, "bob");
  EXPECT_EQ(second[0].recipients[0].telegram_user_id, 666);
  EXPECT_EQ(second[0].recipients[1].chat, kChat);
  EXPECT_EQ(State(id).stopped, "completed");
  clock_.Advance(24 * kHourMs);
  EXPECT_TRUE(RunDue().empty());
  EXPECT_EQ(Events(id, EventKind::kEscalationStep).size(), 2u);
  EXPECT_TRUE(Events(id, EventKind::kEscalated).empty()) << "the policy replaces escalation.after";
}

TEST_F(EscalationTest, AckStopsEveryPendingStepAndUnackStartsOver) {
  PutPolicy(TwoSteps());
  const int64_t id = OpenIncident();
  ASSERT_EQ(RunDue().size(), 1u);
  ASSERT_TRUE(engine_->Act(id, Action::kAck, "ana", ""));
  clock_.Advance(kHourMs);
  EXPECT_TRUE(RunDue().empty());
  EXPECT_EQ(Events(id, EventKind::kEscalationStep).size(), 1u) << "nothing recorded after the ack";
  EXPECT_EQ(State(id).stopped, "acknowledged");
  EXPECT_FALSE(State(id).next_step);

  ASSERT_TRUE(engine_->Act(id, Action::kUnack, "ana", ""));
  auto again = RunDue();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].step, 0u) << "unack: from the first step";
  clock_.Advance(15 * kMinuteMs);
  ASSERT_EQ(RunDue().size(), 1u);
  EXPECT_EQ(Events(id, EventKind::kEscalationStep).size(), 3u);
}

TEST_F(EscalationTest, ResolveStopsEveryPendingStep) {
  PutPolicy(TwoSteps());
  const int64_t id = OpenIncident();
  ASSERT_EQ(RunDue().size(), 1u);
  ASSERT_TRUE(engine_->Act(id, Action::kResolve, "ana", ""));
  clock_.Advance(kHourMs);
  EXPECT_TRUE(RunDue().empty());
  EXPECT_EQ(Events(id, EventKind::kEscalationStep).size(), 1u);
  EXPECT_EQ(State(id).stopped, "resolved");
}

TEST_F(EscalationTest, SilencingStopsStepsUntilItEnds) {
  PutPolicy(TwoSteps());
  const int64_t id = OpenIncident();
  ASSERT_EQ(RunDue().size(), 1u);
  ASSERT_TRUE(engine_->Act(id, Action::kSilence, "ana", "", kHourMs));
  EXPECT_EQ(State(id).stopped, "silenced");
  clock_.Advance(30 * kMinuteMs);
  EXPECT_TRUE(RunDue().empty()) << "step 2 was due at 15m, during the silence";
  EXPECT_EQ(Events(id, EventKind::kEscalationStep).size(), 1u);
  clock_.Advance(30 * kMinuteMs);  // the silence ends: the steps start over
  auto after = RunDue();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].step, 0u);
}

TEST_F(EscalationTest, ASilenceByMatchersStopsSteps) {
  PutPolicy(TwoSteps());
  const int64_t id = OpenIncident("api");
  ASSERT_EQ(RunDue().size(), 1u);
  model::Silence silence;
  silence.matchers = {{"service", MatchOp::kEqual, "api"}};
  silence.starts_at = clock_.Now();
  silence.ends_at = clock_.Now() + 2 * kHourMs;
  ASSERT_TRUE(engine_->silences().Create(silence));
  clock_.Advance(20 * kMinuteMs);
  EXPECT_TRUE(RunDue().empty());
  EXPECT_EQ(Events(id, EventKind::kEscalationStep).size(), 1u);
  EXPECT_EQ(State(id).stopped, "silenced");
}

TEST_F(EscalationTest, RepeatRunsTheStepsAgain) {
  EscalationPolicy policy = TwoSteps();
  policy.steps[1].after_ms = 10 * kMinuteMs;
  policy.repeat = 1;
  policy.repeat_after_ms = 5 * kMinuteMs;
  PutPolicy(policy);
  const TimeMs opened = clock_.Now();
  const int64_t id = OpenIncident();
  // Steps at 0, 10m, then round 2 at 15m and 25m; nothing after.
  std::vector<std::pair<TimeMs, size_t>> taken;
  for (TimeMs t = 0; t <= 60 * kMinuteMs; t += kMinuteMs) {
    clock_.Set(opened + t);
    for (const auto& page : RunDue()) {
      taken.emplace_back(t, page.step);
      EXPECT_EQ(page.round, taken.size() > 2 ? 1u : 0u);
    }
  }
  std::vector<std::pair<TimeMs, size_t>> expected = {
      {0, 0}, {10 * kMinuteMs, 1}, {15 * kMinuteMs, 0}, {25 * kMinuteMs, 1}};
  EXPECT_EQ(taken, expected);
  EXPECT_EQ(State(id).steps_taken, 4u);
  EXPECT_EQ(State(id).stopped, "completed");
}

TEST_F(EscalationTest, RoutesPickThePolicyFirstMatchWinsElseTheDefault) {
  PutPolicy(TwoSteps("db-team"));
  PutPolicy(TwoSteps("api-team"));
  PutPolicy(TwoSteps("everyone"));
  PutPolicy(TwoSteps("fallback"));
  model::EscalationRoutes routes;
  routes.routes = {{{{"service", MatchOp::kRegex, "db.*"}}, "db-team"},
                   {{{"service", MatchOp::kEqual, "api"}, {"environment", MatchOp::kEqual, "prod"}},
                    "api-team"},
                   {{{"service", MatchOp::kRegex, "api|web"}}, "everyone"}};
  routes.default_policy = "fallback";
  ASSERT_TRUE(engine_->escalation().PutRoutes(routes).ok());

  auto chosen = [&](const std::string& service) {
    std::string route;
    auto policy = engine_->escalation().Choose(Alert(service, "x"), route);
    EXPECT_TRUE(policy && *policy);
    return policy && *policy ? (*policy)->name + " " + route : std::string("none");
  };
  EXPECT_EQ(chosen("dbx"), "db-team routes[0]");
  EXPECT_EQ(chosen("api"), "api-team routes[1]") << "routes[2] matches too: the first wins";
  EXPECT_EQ(chosen("web"), "everyone routes[2]");
  EXPECT_EQ(chosen("xdb"), "fallback default") << "regexes are anchored";

  const int64_t id = OpenIncident("dbmain");
  RunDue();
  EXPECT_EQ(State(id).snapshot.policy.name, "db-team");
  EXPECT_EQ(State(id).snapshot.route, "routes[0]");

  routes.default_policy.clear();
  ASSERT_TRUE(engine_->escalation().PutRoutes(routes).ok());
  std::string route;
  auto none = engine_->escalation().Choose(Alert("mail", "x"), route);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none) << "no route matches and no default";
}

TEST_F(EscalationTest, TheSnapshotIsNotChangedByLaterEdits) {
  PutPolicy(TwoSteps());
  const int64_t id = OpenIncident();
  ASSERT_EQ(RunDue().size(), 1u);
  EscalationPolicy edited = TwoSteps();
  edited.steps[1].after_ms = 2 * kHourMs;
  edited.steps[1].notify = {EscalationTarget{"", "cy", 0}};
  PutPolicy(edited);
  EXPECT_EQ(State(id).snapshot.policy, TwoSteps());
  clock_.Advance(15 * kMinuteMs);
  auto second = RunDue();
  ASSERT_EQ(second.size(), 1u) << "the incident's copy: step 2 at 15m";
  EXPECT_EQ(second[0].recipients[0].user, "bob");
  // A new incident gets the policy as it is now.
  const int64_t later = OpenIncident("web");
  RunDue();
  EXPECT_EQ(State(later).snapshot.policy, edited);
}

TEST_F(EscalationTest, PendingStepsSurviveARestart) {
  PutPolicy(TwoSteps());
  const int64_t id = OpenIncident();
  ASSERT_EQ(RunDue().size(), 1u);
  // The node stops: engine and store closed, the same SQLite file opened again.
  engine_.reset();
  store_.reset();
  auto reopened = testing::OpenTestStore(*dir_);
  ASSERT_TRUE(reopened) << reopened.error().ToString();
  store_ = std::move(*reopened);
  engine_ = std::make_unique<Engine>(*store_, clock_, EngineOptions{});
  clock_.Advance(15 * kMinuteMs);
  auto second = RunDue();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].step, 1u);
  EXPECT_EQ(second[0].recipients[0].user, "bob");
  EXPECT_EQ(Events(id, EventKind::kEscalationStep).size(), 2u);
}

TEST_F(EscalationTest, WhoCannotBeReachedIsNamedWithWhy) {
  EscalationPolicy policy;
  policy.name = "default";
  policy.steps = {{0, {EscalationTarget{"", "cy", 0}, EscalationTarget{"nights", "", 0}}}};
  ASSERT_TRUE(engine_->oncall().PutSchedule({"nights", "UTC", {{{}, kHourMs, kHandoff}}}));
  PutPolicy(policy);
  OpenIncident();
  auto pages = RunDue();
  ASSERT_EQ(pages.size(), 1u);
  ASSERT_EQ(pages[0].recipients.size(), 2u);
  EXPECT_EQ(pages[0].recipients[0].problem, "no telegram_user_id");
  EXPECT_EQ(pages[0].recipients[1].problem, "nobody is on call");
}

TEST_F(EscalationTest, WithoutAPolicyEscalationAfterStaysAsItWas) {
  const int64_t id = OpenIncident();
  EXPECT_TRUE(RunDue().empty());
  auto state = engine_->EscalationStateOf(id);
  ASSERT_TRUE(state);
  EXPECT_FALSE(*state);
  clock_.Advance(15 * kMinuteMs);
  auto escalated = engine_->Escalate(id);
  ASSERT_TRUE(escalated);
  EXPECT_TRUE(*escalated);
  EXPECT_EQ(Events(id, EventKind::kEscalated).size(), 1u);

  // With a policy, escalation.after's step is left to it.
  PutPolicy(TwoSteps());
  const int64_t other = OpenIncident("web");
  RunDue();
  clock_.Advance(15 * kMinuteMs);
  escalated = engine_->Escalate(other);
  ASSERT_TRUE(escalated);
  EXPECT_FALSE(*escalated);
}

TEST_F(EscalationTest, PoliciesAndRoutesAreChecked) {
  EscalationPolicy policy = TwoSteps("p");
  policy.steps[0].notify = {EscalationTarget{"nope", "", 0}};
  auto put = engine_->escalation().Put(policy);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().field(), "steps[0].notify[0].schedule");
  policy = TwoSteps("p");
  policy.steps[1].notify = {EscalationTarget{"", "zed", 0}};
  put = engine_->escalation().Put(policy);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().field(), "steps[1].notify[0].user");

  PutPolicy(TwoSteps("p"));
  model::EscalationRoutes routes;
  routes.routes = {{{{"service", MatchOp::kRegex, "("}}, "p"}};
  Status s = engine_->escalation().PutRoutes(routes);
  EXPECT_EQ(s.field(), "routes[0].matchers[0].value") << s.ToString();
  routes.routes = {{{{"service", MatchOp::kEqual, "a"}}, "q"}};
  s = engine_->escalation().PutRoutes(routes);
  EXPECT_EQ(s.field(), "routes[0].policy") << s.ToString();
  routes.routes = {{{{"service", MatchOp::kEqual, "a"}}, "p"}};
  ASSERT_TRUE(engine_->escalation().PutRoutes(routes).ok());
  auto deleted = engine_->escalation().Delete("p");
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().code(), StatusCode::kConflict);
  routes.routes.clear();
  ASSERT_TRUE(engine_->escalation().PutRoutes(routes).ok());
  EXPECT_TRUE(engine_->escalation().Delete("p"));
}

}  // namespace
}  // namespace quell::engine
