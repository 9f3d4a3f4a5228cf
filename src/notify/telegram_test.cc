// Telegram delivery and presses against FakeTelegram: real HTTP on loopback, a real SQLite store
// and the real Engine.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "notify/notifier.h"
#include "notify/pacer.h"
#include "notify/telegram_notifier.h"
#include "notify/telegram_test_rig.h"
#include "notify/telegram_updates.h"
#include "notify/webhook_notifier.h"
#include "store/sqlite/sqlite_store.h"

namespace quell::notify {
namespace {

using testing::FakeReply;
using testing::FakeTelegram;

constexpr int64_t kChat = -1001234;
constexpr int64_t kAlice = 777;
constexpr TimeMs kLeaseMs = 5 * kMinuteMs;  // a send claimed longer ago is dead

class TelegramTest : public testing::TelegramRig {
 protected:
  void SetUp() override {
    Build(kChat, std::nullopt, kLeaseMs);
    if (HasFatalFailure()) return;
    updates_ = std::make_unique<TelegramUpdates>(*api_, *engine_,
                                                 TelegramAccess{{kChat}, {kAlice}});
  }
  void TearDown() override {
    updates_.reset();
    TelegramRig::TearDown();
  }

  int64_t OpenIncident(model::Severity severity = model::Severity::kHigh) {
    model::NormalizedAlert a;
    a.service = "api-gateway";
    a.environment = "prod";
    a.message = "Redis timeout";
    a.severity = severity;
    a.fingerprint = "fp-" + std::to_string(++alerts_);
    auto r = engine_->Ingest({a});
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? r->front().incident_id : 0;
  }

  IncidentSnapshot Snapshot(int64_t id) {
    auto incident = store_->GetIncident(id);
    EXPECT_TRUE(incident && *incident);
    return {**incident, std::nullopt, "http://127.0.0.1:8080/incidents/" + std::to_string(id),
            clock_.Now(), {}};
  }

  jobs::JobOutcome Deliver(int64_t id) { return notifier_->Deliver(Snapshot(id)); }


  // A second passes: lets the pacer allow the next message to the chat.
  void NextSecond() { clock_.Advance(1100); }

  static std::string Text(const testing::FakeCall& call) {
    return std::string(call.body.at("text").as_string());
  }
  static constexpr const char* kSentAgain = "Sent again: an earlier send was not confirmed";

  std::unique_ptr<TelegramUpdates> updates_;
  int alerts_ = 0;
};

TEST_F(TelegramTest, SendsOneCardThenEditsItWithTheKeyboard) {
  int64_t id = OpenIncident();
  ASSERT_TRUE(Deliver(id).status.ok());
  auto sent = fake_.Calls("sendMessage");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].body.at("chat_id").as_int64(), kChat);
  EXPECT_EQ(sent[0].body.at("parse_mode").as_string(), "HTML");
  EXPECT_EQ(sent[0].body.at("disable_notification").as_bool(), false);
  EXPECT_EQ(sent[0].body.at("reply_markup").at("inline_keyboard").at(0).at(0).at("callback_data"),
            boost::json::value(std::to_string(id) == "" ? "" : "ack:" + std::to_string(id)));
  EXPECT_EQ(Events(id, model::EventKind::kNotified).size(), 1u);

  // Unchanged: no call at all.
  NextSecond();
  ASSERT_TRUE(Deliver(id).status.ok());
  EXPECT_EQ(fake_.Calls().size(), 1u);

  // Acknowledged: the same message is edited, keyboard included.
  ASSERT_TRUE(engine_->Act(id, engine::Action::kAck, "alice", ""));
  NextSecond();
  ASSERT_TRUE(Deliver(id).status.ok());
  auto edits = fake_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].body.at("message_id").as_int64(), 101);
  EXPECT_NE(std::string(edits[0].body.at("text").as_string()).find("Acknowledged by alice"),
            std::string::npos);
  EXPECT_EQ(edits[0].body.at("reply_markup").at("inline_keyboard").at(0).at(0).at("callback_data"),
            boost::json::value("res:" + std::to_string(id)));
  EXPECT_EQ(fake_.Calls("sendMessage").size(), 1u) << "never a second card";
  EXPECT_EQ(Events(id, model::EventKind::kNotified).size(), 1u);
}

TEST_F(TelegramTest, EscalationEditsTheCardAndRingsOnce) {
  int64_t id = OpenIncident();
  ASSERT_TRUE(Deliver(id).status.ok());
  clock_.Advance(15 * kMinuteMs);
  ASSERT_TRUE(*engine_->Escalate(id));
  auto outcome = Deliver(id);  // edits the card; the ping waits for the pacer
  ASSERT_TRUE(outcome.retry_in_ms);
  NextSecond();
  ASSERT_TRUE(Deliver(id).status.ok());
  auto edits = fake_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_NE(std::string(edits[0].body.at("text").as_string()).find("Escalated"), std::string::npos);
  auto sent = fake_.Calls("sendMessage");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NE(std::string(sent[1].body.at("text").as_string()).find("Still unacknowledged"),
            std::string::npos);
  EXPECT_EQ(sent[1].body.at("reply_parameters").at("message_id").as_int64(), 101);
  NextSecond();
  ASSERT_TRUE(Deliver(id).status.ok());
  EXPECT_EQ(fake_.Calls("sendMessage").size(), 2u) << "one ping per escalation";
}

TEST_F(TelegramTest, LowSeverityIsSentSilently) {
  int64_t id = OpenIncident(model::Severity::kLow);
  ASSERT_TRUE(Deliver(id).status.ok());
  EXPECT_EQ(fake_.Calls("sendMessage").at(0).body.at("disable_notification").as_bool(), true);
}

TEST_F(TelegramTest, RateLimitWaitsRetryAfterWithoutCallingAgain) {
  int64_t id = OpenIncident();
  fake_.Script("sendMessage", {429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})"});
  auto outcome = Deliver(id);
  EXPECT_FALSE(outcome.status.ok());
  ASSERT_TRUE(outcome.retry_in_ms);
  EXPECT_EQ(*outcome.retry_in_ms, 7000);
  // Asked again too early: the pacer holds it back without a call.
  clock_.Advance(3000);
  auto early = Deliver(id);
  ASSERT_TRUE(early.retry_in_ms);
  EXPECT_EQ(*early.retry_in_ms, 4000);
  EXPECT_EQ(fake_.Calls("sendMessage").size(), 1u);
  clock_.Advance(4000);
  EXPECT_TRUE(Deliver(id).status.ok());
  EXPECT_EQ(fake_.Calls("sendMessage").size(), 2u);
}

TEST_F(TelegramTest, PacesMessagesToOneChat) {
  int64_t first = OpenIncident();
  ASSERT_TRUE(Deliver(first).status.ok());
  model::NormalizedAlert other;
  other.service = "billing";
  other.message = "disk full";
  other.fingerprint = "other";
  int64_t second = engine_->Ingest({other})->front().incident_id;
  auto outcome = Deliver(second);
  ASSERT_TRUE(outcome.retry_in_ms) << "a second message within a second waits";
  EXPECT_LE(*outcome.retry_in_ms, 1000);
  EXPECT_EQ(fake_.Calls("sendMessage").size(), 1u);
}

TEST_F(TelegramTest, MessageNotModifiedCountsAsDelivered) {
  int64_t id = OpenIncident();
  ASSERT_TRUE(Deliver(id).status.ok());
  ASSERT_TRUE(engine_->Act(id, engine::Action::kAck, "alice", ""));
  NextSecond();
  fake_.Script("editMessageText", {400, R"({"ok":false,"error_code":400,"description":"Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"})"});
  EXPECT_TRUE(Deliver(id).status.ok());
  NextSecond();
  EXPECT_TRUE(Deliver(id).status.ok());
  EXPECT_EQ(fake_.Calls("editMessageText").size(), 1u) << "remembered as delivered";
}

TEST_F(TelegramTest, ParseErrorAndBlockedBotArePermanentAndVisible) {
  int64_t id = OpenIncident();
  fake_.Script("sendMessage", {400, R"({"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3"})"});
  auto outcome = Deliver(id);
  EXPECT_EQ(outcome.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(outcome.status.message().find("can't parse entities"), std::string::npos);
  EXPECT_TRUE(Events(id, model::EventKind::kNotified).empty()) << "only sent cards count";
  auto events = Events(id, model::EventKind::kNotifyFailed);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].note.find("can't parse entities"), std::string::npos) << events[0].note;

  NextSecond();
  fake_.Script("sendMessage", {403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})"});
  outcome = Deliver(id);
  EXPECT_EQ(outcome.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(outcome.status.message().find("bot was blocked"), std::string::npos);
  EXPECT_EQ(outcome.status.message().find(FakeTelegram::kToken), std::string::npos);
}

TEST_F(TelegramTest, ServerErrorsAndSlowAnswersRetryWithBackoff) {
  int64_t id = OpenIncident();
  fake_.Script("sendMessage", {502, R"({"ok":false,"error_code":502,"description":"Bad Gateway"})"});
  auto outcome = Deliver(id);
  EXPECT_EQ(outcome.status.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(outcome.retry_in_ms) << "backoff, not a fixed wait";

  NextSecond();
  fake_.Script("sendMessage", {200, R"({"ok":true,"result":{"message_id":5}})", /*delay_ms=*/4000});
  outcome = Deliver(id);  // the client gives up after 3 s
  EXPECT_EQ(outcome.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(outcome.status.message().find(FakeTelegram::kToken), std::string::npos);
  EXPECT_TRUE(Events(id, model::EventKind::kNotifyOutcomeUnknown).empty());

  // Telegram may have posted the card it never answered for: the retry sends it marked so.
  NextSecond();
  ASSERT_TRUE(Deliver(id).status.ok());
  auto sends = fake_.Calls("sendMessage");
  ASSERT_EQ(sends.size(), 3u);
  EXPECT_EQ(Text(sends[0]).find(kSentAgain), std::string::npos) << "a 502 posts nothing";
  EXPECT_EQ(Text(sends[1]).find(kSentAgain), std::string::npos);
  EXPECT_NE(Text(sends[2]).find(kSentAgain), std::string::npos) << Text(sends[2]);
  EXPECT_EQ(Events(id, model::EventKind::kNotifyOutcomeUnknown).size(), 1u);
  EXPECT_EQ(Events(id, model::EventKind::kNotified).size(), 1u);
}

// A send that never reached Telegram (connection refused) posted nothing: the claim is put
// back, and the retry sends the card plainly, not marked as sent again.
TEST_F(TelegramTest, ASendThatNeverReachedTelegramIsNotSentAgainMarked) {
  const int64_t id = OpenIncident();
  TelegramApi dead(*http_, {"http://127.0.0.1:1", FakeTelegram::kToken, 1000});
  TelegramNotifier unreachable(dead, *store_, *cards_, pacer_, clock_, {{kChat}, std::nullopt});
  auto outcome = unreachable.Deliver(Snapshot(id));
  EXPECT_EQ(outcome.status.code(), StatusCode::kUnavailable) << outcome.status.ToString();
  auto state = cards_->Read(id, kChat);
  ASSERT_TRUE(state);
  EXPECT_FALSE(state->raw) << *state->raw;

  NextSecond();
  ASSERT_TRUE(Deliver(id).status.ok());
  auto sends = fake_.Calls("sendMessage");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(Text(sends[0]).find(kSentAgain), std::string::npos) << Text(sends[0]);
  EXPECT_TRUE(Events(id, model::EventKind::kNotifyOutcomeUnknown).empty());
  EXPECT_EQ(Events(id, model::EventKind::kNotified).size(), 1u);
}

// Two workers (here or on two nodes) run card jobs of one incident at once: the second finds
// the first one's send in flight, sends nothing and, once the first stored its message id,
// edits that card.
TEST_F(TelegramTest, ASecondWorkerWaitsForTheSendInFlightAndEditsThatCard) {
  const int64_t id = OpenIncident();
  FakeReply held{200, R"({"ok":true,"result":{"message_id":7,"chat":{"id":-1001234}}})"};
  held.hold = true;
  fake_.Script("sendMessage", held);
  const IncidentSnapshot first = Snapshot(id);
  std::thread a([&] { EXPECT_TRUE(notifier_->Deliver(first).status.ok()); });
  ASSERT_TRUE(fake_.WaitForCalls("sendMessage", 1));
  ASSERT_TRUE(engine_->Act(id, engine::Action::kAck, "alice", ""));
  NextSecond();
  auto b = Deliver(id);
  EXPECT_EQ(b.status.code(), StatusCode::kUnavailable);
  ASSERT_TRUE(b.retry_in_ms) << b.status.ToString();
  EXPECT_LE(*b.retry_in_ms, 1000);
  EXPECT_NE(b.status.message().find("another worker is sending"), std::string::npos);
  fake_.ReleaseHeld();
  a.join();
  NextSecond();
  ASSERT_TRUE(Deliver(id).status.ok());
  ASSERT_EQ(fake_.Calls("sendMessage").size(), 1u) << "never a second card";
  auto edits = fake_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].body.at("message_id").as_int64(), 7);
  EXPECT_NE(Text(edits[0]).find("Acknowledged by alice"), std::string::npos);
  EXPECT_TRUE(Events(id, model::EventKind::kNotifyOutcomeUnknown).empty());
}

// A claim whose worker died (older than the job lease) leaves the card's fate unknown: the next
// worker says so on the timeline and sends the card again, marked as sent again, and the mark
// stays on its later edits. A press on the orphan acts and turns it into a stub.
TEST_F(TelegramTest, ADeadSendIsSentAgainMarkedAndAPressOnTheOrphanIsReconciled) {
  const int64_t id = OpenIncident();
  CardLedger dead_node(*store_, kLeaseMs, "dead-node");
  auto state = dead_node.Read(id, kChat);
  ASSERT_TRUE(state);
  auto claim = dead_node.Claim(id, kChat, *state, clock_.Now());
  ASSERT_TRUE(claim && *claim);  // ...and its node died inside sendMessage

  auto waiting = Deliver(id);
  ASSERT_TRUE(waiting.retry_in_ms) << "a live claim: nobody else sends";
  EXPECT_TRUE(fake_.Calls("sendMessage").empty());
  clock_.Advance(kLeaseMs);
  ASSERT_TRUE(Deliver(id).status.ok());
  auto sends = fake_.Calls("sendMessage");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_NE(Text(sends[0]).find(kSentAgain), std::string::npos) << Text(sends[0]);
  auto unknown = Events(id, model::EventKind::kNotifyOutcomeUnknown);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_NE(unknown[0].note.find("not confirmed"), std::string::npos) << unknown[0].note;
  EXPECT_EQ(Events(id, model::EventKind::kNotified).size(), 1u);

  // The dead node's copy is message 7 (Telegram posted it); Alice presses Acknowledge there.
  TelegramUpdates updates(*api_, *engine_, TelegramAccess{{kChat}, {kAlice}}, {}, cards_.get());
  std::string toast = updates.Act({"cb1", kAlice, "@alice", kChat, 7, "ack:" + std::to_string(id)});
  EXPECT_NE(toast.find("Acknowledged"), std::string::npos) << toast;
  EXPECT_EQ((*store_->GetIncident(id))->status, model::IncidentStatus::kAcknowledged);
  auto stubs = fake_.Calls("editMessageText");
  ASSERT_EQ(stubs.size(), 1u);
  EXPECT_EQ(stubs[0].body.at("message_id").as_int64(), 7);
  EXPECT_NE(Text(stubs[0]).find("Superseded"), std::string::npos) << Text(stubs[0]);
  EXPECT_TRUE(stubs[0].body.at("reply_markup").at("inline_keyboard").as_array().empty());

  // The current card is edited to show the ack, still marked; a press on it is no orphan.
  NextSecond();
  ASSERT_TRUE(Deliver(id).status.ok());
  auto edits = fake_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[1].body.at("message_id").as_int64(), 101);
  EXPECT_NE(Text(edits[1]).find("Acknowledged by telegram:@alice"), std::string::npos);
  EXPECT_NE(Text(edits[1]).find(kSentAgain), std::string::npos);
  updates.Act({"cb2", kAlice, "@alice", kChat, 101, "res:" + std::to_string(id)});
  EXPECT_EQ(fake_.Calls("editMessageText").size(), 2u);
  EXPECT_EQ(fake_.Calls("sendMessage").size(), 1u) << "never a third card";
}

// A send that outlives its claim (its worker hung past the lease while another sent the card
// again) finds the claim gone when it is answered: its message is the orphan, made a stub.
TEST_F(TelegramTest, ASendThatOutlivedItsClaimMakesItsOwnCardTheStub) {
  const int64_t id = OpenIncident();
  FakeReply held{200, R"({"ok":true,"result":{"message_id":7,"chat":{"id":-1001234}}})"};
  held.hold = true;
  fake_.Script("sendMessage", held);
  const IncidentSnapshot first = Snapshot(id);
  std::thread slow([&] { EXPECT_TRUE(notifier_->Deliver(first).status.ok()); });
  ASSERT_TRUE(fake_.WaitForCalls("sendMessage", 1));
  clock_.Advance(kLeaseMs);
  ASSERT_TRUE(Deliver(id).status.ok());  // takes the dead claim over: message 101
  fake_.ReleaseHeld();
  slow.join();
  auto edits = fake_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].body.at("message_id").as_int64(), 7);
  EXPECT_NE(Text(edits[0]).find("Superseded"), std::string::npos);
  auto state = cards_->Read(id, kChat);
  ASSERT_TRUE(state && state->card);
  EXPECT_EQ(state->card->message_id, 101);
  EXPECT_TRUE(state->card->again);
  EXPECT_EQ(Events(id, model::EventKind::kNotified).size(), 1u);
}

TEST_F(TelegramTest, AGoneCardIsSentAgain) {
  int64_t id = OpenIncident();
  ASSERT_TRUE(Deliver(id).status.ok());
  ASSERT_TRUE(engine_->Act(id, engine::Action::kAck, "alice", ""));
  NextSecond();
  fake_.Script("editMessageText", {400, R"({"ok":false,"error_code":400,"description":"Bad Request: message to edit not found"})"});
  EXPECT_TRUE(Deliver(id).status.ok());
  EXPECT_EQ(fake_.Calls("sendMessage").size(), 2u);
}

TEST_F(TelegramTest, TheTokenNeverAppearsInErrors) {
  auto http = net::NewCurlHttpClient();
  TelegramApi dead(*http, {"http://127.0.0.1:1", FakeTelegram::kToken, 1000});
  auto reply = dead.SendMessage(kChat, Card{"x", {}, false}, std::nullopt);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().message().find(FakeTelegram::kToken), std::string::npos);
  EXPECT_EQ(reply.error().message().find("123456"), std::string::npos);
}

TEST_F(TelegramTest, APressActsAndIsAnswered) {
  int64_t id = OpenIncident();
  CallbackQuery q{"cb1", kAlice, "@alice", kChat, 101, "ack:" + std::to_string(id)};
  updates_->Handle({1, q, std::nullopt});
  auto incident = store_->GetIncident(id);
  EXPECT_EQ((*incident)->status, model::IncidentStatus::kAcknowledged);
  EXPECT_EQ((*incident)->acked_by, "telegram:@alice");
  auto answers = fake_.Calls("answerCallbackQuery");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].body.at("callback_query_id").as_string(), "cb1");
  EXPECT_NE(std::string(answers[0].body.at("text").as_string()).find("Acknowledged"), std::string::npos);
  auto acked = Events(id, model::EventKind::kAcked);
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(acked[0].actor, "telegram:@alice");

  // Silence for an hour, then resolve.
  updates_->Handle({2, CallbackQuery{"cb2", kAlice, "@alice", kChat, 101, "res:" + std::to_string(id)},
                    std::nullopt});
  EXPECT_EQ((*store_->GetIncident(id))->status, model::IncidentStatus::kResolved);
  // Acknowledging a resolved incident is refused with a toast, nothing changes.
  EXPECT_NE(updates_->Act({"cb3", kAlice, "@alice", kChat, 101, "ack:" + std::to_string(id)}).find("Not now"),
            std::string::npos);
}

TEST_F(TelegramTest, SilenceLikeThisOffersDurationsCreatesTheSilenceAndTheCardShowsIt) {
  TelegramUpdates updates(*api_, *engine_, TelegramAccess{{kChat}, {kAlice}},
                          RedrawCard(*notifier_, *store_, *engine_, ""));
  const int64_t id = OpenIncident();
  ASSERT_TRUE(Deliver(id).status.ok());  // the card, message 1 in the fake
  const int64_t message = fake_.Calls("sendMessage").size();
  const std::string ids = std::to_string(id);

  EXPECT_NE(updates.Act({"cb1", kAlice, "@alice", kChat, message, "slm:" + ids}).find("for…"),
            std::string::npos);
  auto menus = fake_.Calls("editMessageReplyMarkup");
  ASSERT_EQ(menus.size(), 1u);
  const auto& rows = menus[0].body.at("reply_markup").at("inline_keyboard").as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.at(0).at(1).at("callback_data"), boost::json::value("sll:" + ids + ":14400"));
  EXPECT_EQ(menus[0].body.at("message_id").as_int64(), message);

  NextSecond();  // the pacer's one message a second per chat
  EXPECT_NE(updates.Act({"cb2", kAlice, "@alice", kChat, message, "sll:" + ids + ":14400"})
                .find("for 4 h"),
            std::string::npos);
  auto silences = engine_->silences().List();
  ASSERT_TRUE(silences);
  ASSERT_EQ(silences->size(), 1u);
  const model::Silence& silence = silences->front();
  EXPECT_EQ(silence.created_by, "telegram:@alice");
  EXPECT_EQ(silence.ends_at - silence.starts_at, 4 * kHourMs);
  EXPECT_EQ(silence.matchers,
            (std::vector<model::Matcher>{{"service", model::MatchOp::kEqual, "api-gateway"},
                                         {"environment", model::MatchOp::kEqual, "prod"},
                                         {"name", model::MatchOp::kEqual, ""}}));
  ASSERT_EQ(Events(id, model::EventKind::kSilenceMatched).size(), 1u);
  EXPECT_EQ(Events(id, model::EventKind::kSilenceMatched)[0].note, silence.id);
  auto edits = fake_.Calls("editMessageText");
  ASSERT_EQ(edits.size(), 1u) << "the card is redrawn at once";
  EXPECT_NE(
      std::string(edits[0].body.at("text").as_string()).find("Silenced by silence " + silence.id),
      std::string::npos);
  EXPECT_EQ(edits[0].body.at("reply_markup").at("inline_keyboard").as_array().size(), 1u)
      << "no second Silence like this";

  // Refused from a user not allowed, and for a duration not offered.
  EXPECT_NE(updates.Act({"cb3", 999, "@mallory", kChat, message, "sll:" + ids + ":3600"}).find("⛔"),
            std::string::npos);
  EXPECT_EQ(updates.Act({"cb4", kAlice, "@alice", kChat, message, "sll:" + ids + ":60"}),
            "Unknown button");
  EXPECT_EQ(engine_->silences().List()->size(), 1u);
}

TEST_F(TelegramTest, SilencePressSetsTheSilence) {
  int64_t id = OpenIncident();
  std::string toast = updates_->Act({"cb", kAlice, "@alice", kChat, 1, "sil:" + std::to_string(id) + ":3600"});
  EXPECT_NE(toast.find("Silenced for 60 min"), std::string::npos);
  EXPECT_EQ((*store_->GetIncident(id))->silenced_until, clock_.Now() + kHourMs);
  EXPECT_EQ(Events(id, model::EventKind::kSilenced).size(), 1u);
}

TEST_F(TelegramTest, PressesFromOthersChangeNothing) {
  int64_t id = OpenIncident();
  std::string data = "ack:" + std::to_string(id);
  EXPECT_NE(updates_->Act({"cb", 999, "@mallory", kChat, 1, data}).find("not allowed"), std::string::npos);
  EXPECT_NE(updates_->Act({"cb", kAlice, "@alice", 555, 1, data}).find("not allowed"), std::string::npos)
      << "a chat that is not configured";
  EXPECT_EQ((*store_->GetIncident(id))->status, model::IncidentStatus::kTriggered);
  EXPECT_TRUE(Events(id, model::EventKind::kAcked).empty());
  EXPECT_EQ(updates_->Act({"cb", kAlice, "@alice", kChat, 1, "ack:99999"}), "Incident not found");
  EXPECT_EQ(updates_->Act({"cb", kAlice, "@alice", kChat, 1, "rm -rf"}), "Unknown button");
}

TEST_F(TelegramTest, LongPollDeliversPressesAndStopsPromptly) {
  int64_t id = OpenIncident();
  TelegramPoller poller(*api_, *updates_, *store_, {/*timeout_s=*/25, 0, 1000});
  poller.Start();
  ASSERT_TRUE(fake_.WaitForCalls("getUpdates", 1));
  fake_.PushCallback(500, kAlice, kChat, 101, "ack:" + std::to_string(id));
  ASSERT_TRUE(fake_.WaitForCalls("answerCallbackQuery", 1));
  EXPECT_EQ((*store_->GetIncident(id))->status, model::IncidentStatus::kAcknowledged);
  ASSERT_TRUE(fake_.WaitForCalls("getUpdates", 2));
  EXPECT_EQ(fake_.Calls("getUpdates").back().body.at("offset").as_int64(), 501);
  EXPECT_EQ(fake_.Calls("getUpdates").back().body.at("timeout").as_int64(), 25);
  EXPECT_EQ(fake_.Calls("deleteWebhook").size(), 1u);
  auto before = std::chrono::steady_clock::now();
  poller.Stop();  // in the middle of a 25 s long poll
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
  EXPECT_EQ(*store_->GetSetting("telegram.offset"), std::optional<std::string>("501"));
}

TEST_F(TelegramTest, PollerRidesOutConflictsAndErrors) {
  int64_t id = OpenIncident();
  fake_.Script("getUpdates", {409, R"({"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"})"});
  fake_.Script("getUpdates", {500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})"});
  fake_.Script("getUpdates", {200, "<html>bad gateway</html>"});
  fake_.PushCallback(7, kAlice, kChat, 101, "ack:" + std::to_string(id));
  TelegramPoller poller(*api_, *updates_, *store_, {/*timeout_s=*/1, 0, /*max_backoff_ms=*/200});
  poller.Start();
  ASSERT_TRUE(fake_.WaitForCalls("answerCallbackQuery", 1, 20000));
  poller.Stop();
  EXPECT_GE(fake_.Calls("getUpdates").size(), 4u);
  EXPECT_EQ((*store_->GetIncident(id))->status, model::IncidentStatus::kAcknowledged);
}

// A lease the test hands out and takes back; counts the times the poller asked.
class TestLease final : public store::SingletonLease {
 public:
  bool Held() override {
    ++asked;
    return held;
  }
  // Waits until the poller has asked `n` more times.
  bool WaitAsked(int n) {
    const int until = asked + n;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (asked < until && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return asked >= until;
  }
  std::atomic<bool> held{false};
  std::atomic<int> asked{0};
};

TEST_F(TelegramTest, PollerPollsOnlyWhileItHoldsTheLease) {
  TestLease lease;
  TelegramPollerOptions options{/*timeout_s=*/1, 0, 1000};
  options.lease_retry_ms = 20;
  TelegramPoller poller(*api_, *updates_, *store_, options, &lease);
  poller.Start();
  ASSERT_TRUE(lease.WaitAsked(3));
  EXPECT_TRUE(fake_.Calls("getUpdates").empty()) << "another node holds the lease";
  EXPECT_TRUE(fake_.Calls("deleteWebhook").empty());
  // The node that polled until now stored its offset; this one goes on from there.
  ASSERT_TRUE(store_->PutSetting("telegram.offset", "700").ok());
  lease.held = true;
  ASSERT_TRUE(fake_.WaitForCalls("getUpdates", 1));
  EXPECT_EQ(fake_.Calls("getUpdates").front().body.at("offset").as_int64(), 700);
  EXPECT_EQ(fake_.Calls("deleteWebhook").size(), 1u);
  lease.held = false;
  ASSERT_TRUE(lease.WaitAsked(2));  // the poll in flight when the lease went has ended
  const size_t polls = fake_.Calls("getUpdates").size();
  ASSERT_TRUE(lease.WaitAsked(3));
  EXPECT_EQ(fake_.Calls("getUpdates").size(), polls) << "no polls after losing the lease";
  poller.Stop();
}

TEST_F(TelegramTest, WebhookNeedsTheSecret) {
  int64_t id = OpenIncident();
  std::string body = R"({"update_id":9,"callback_query":{"id":"q","from":{"id":777,"first_name":"A"},"message":{"message_id":1,"chat":{"id":-1001234}},"data":"ack:)" +
                     std::to_string(id) + "\"}}";
  EXPECT_EQ(HandleWebhook(*updates_, "s3cret", "wrong", body).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(HandleWebhook(*updates_, "s3cret", "", body).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ((*store_->GetIncident(id))->status, model::IncidentStatus::kTriggered);
  EXPECT_EQ(HandleWebhook(*updates_, "s3cret", "s3cret", "{not json").code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(HandleWebhook(*updates_, "s3cret", "s3cret", body).ok());
  EXPECT_EQ((*store_->GetIncident(id))->status, model::IncidentStatus::kAcknowledged);
}

TEST(Pacer, OneMessagePerSecondPerChatTwentyPerMinutePerGroupThirtyPerSecond) {
  Pacer pacer;
  TimeMs t = 1'000'000;
  EXPECT_EQ(pacer.Reserve(1, t), 0);
  EXPECT_EQ(pacer.Reserve(1, t + 400), 600);
  EXPECT_EQ(pacer.Reserve(2, t + 400), 0) << "another chat is not held back";
  // A group: 20 in a minute, then wait for the oldest to age out.
  TimeMs g = t;
  for (int i = 0; i < 20; ++i, g += 1000) ASSERT_EQ(pacer.Reserve(-5, g), 0) << i;
  EXPECT_EQ(pacer.Reserve(-5, g), t + kMinuteMs - g);
  // Overall: 30 a second across chats.
  Pacer overall;
  for (int chat = 100; chat < 130; ++chat) ASSERT_EQ(overall.Reserve(chat, t), 0);
  EXPECT_EQ(overall.Reserve(200, t + 10), 990);
  // A 429 blocks the chat until retry_after passes.
  pacer.Block(2, t + 10'000);
  EXPECT_EQ(pacer.Reserve(2, t + 5000), 5000);
  EXPECT_EQ(pacer.Reserve(2, t + 10'000), 0);
}

}  // namespace
}  // namespace quell::notify

namespace quell::notify {
namespace {

// A receiver for the outbound webhook: scripted statuses, records bodies and headers.
class WebhookReceiver {
 public:
  WebhookReceiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      bodies_.push_back(req.body);
      keys_.push_back(req.get_header_value("X-Quell-Idempotency-Key"));
      res.status = statuses_.empty() ? 200 : statuses_.front();
      if (!statuses_.empty()) statuses_.pop_front();
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~WebhookReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  void Answer(int status) {
    std::lock_guard lock(mu_);
    statuses_.push_back(status);
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<std::string> keys() {
    std::lock_guard lock(mu_);
    return keys_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::deque<int> statuses_;
  std::vector<std::string> bodies_, keys_;
};

class NotifyJobsTest : public TelegramTest {};

TEST_F(NotifyJobsTest, WebhookRetriesServerErrorsParksClientErrorsAndWaitsOutSilence) {
  WebhookReceiver receiver;
  WebhookNotifier webhook(*http_, {receiver.url(), 3000});
  int64_t id = OpenIncident();
  receiver.Answer(503);
  EXPECT_EQ(webhook.Deliver(Snapshot(id)).status.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(webhook.Deliver(Snapshot(id)).status.ok());
  ASSERT_EQ(receiver.bodies().size(), 2u);
  auto body = boost::json::parse(receiver.bodies()[1]);
  EXPECT_EQ(body.at("event").as_string(), "incident.updated");
  EXPECT_EQ(body.at("incident").at("id").as_int64(), id);
  EXPECT_EQ(receiver.keys()[0], receiver.keys()[1]) << "one state, one idempotency key";

  receiver.Answer(400);
  EXPECT_EQ(webhook.Deliver(Snapshot(id)).status.code(), StatusCode::kInvalidArgument);

  ASSERT_TRUE(engine_->Act(id, engine::Action::kSilence, "alice", "", 10 * kMinuteMs));
  auto silenced = webhook.Deliver(Snapshot(id));
  ASSERT_TRUE(silenced.retry_in_ms);
  EXPECT_EQ(*silenced.retry_in_ms, 10 * kMinuteMs);
  EXPECT_EQ(receiver.bodies().size(), 3u) << "nothing posted while silenced";
}

TEST_F(NotifyJobsTest, NotifyJobsFanOutPerChannelAndDeliver) {
  WebhookReceiver receiver;
  WebhookNotifier webhook(*http_, {receiver.url(), 3000});
  jobs::JobRunner runner(*store_, clock_);
  RegisterNotifiers(runner, *store_, clock_, {notifier_.get(), &webhook}, "http://quell.example/");
  int64_t id = OpenIncident();  // enqueues "notify" (and "analyze", which has no handler here)
  for (int i = 0; i < 10; ++i) {
    auto ran = runner.RunOnce();
    ASSERT_TRUE(ran);
    if (!*ran) break;
  }
  ASSERT_EQ(fake_.Calls("sendMessage").size(), 1u);
  EXPECT_NE(std::string(fake_.Calls("sendMessage")[0].body.at("text").as_string())
                .find("http://quell.example/#/incidents/" + std::to_string(id)),
            std::string::npos);
  ASSERT_EQ(receiver.bodies().size(), 1u);
  auto jobs = store_->ListJobs();
  ASSERT_TRUE(jobs);
  for (const auto& job : *jobs)
    EXPECT_TRUE(job.kind == "analyze" || job.kind == "escalate" || job.kind == "escalation")
        << job.kind << ": notify jobs are done";
}

TEST_F(NotifyJobsTest, AnIncidentSilencedByMatchersNotifiesNobodyUntilTheSilenceEnds) {
  jobs::JobRunner runner(*store_, clock_);
  RegisterNotifiers(runner, *store_, clock_, {notifier_.get()}, "", {},
                    [this](int64_t id) { return engine_->ReconcileSilence(id); });
  model::Silence silence;
  silence.matchers = {{"service", model::MatchOp::kEqual, "api-gateway"}};
  silence.starts_at = clock_.Now();
  silence.ends_at = clock_.Now() + kHourMs;
  auto created = engine_->silences().Create(silence);
  ASSERT_TRUE(created);
  const int64_t id = OpenIncident();
  auto run_due = [&runner] {
    for (int i = 0; i < 20 && *runner.RunOnce();) ++i;
  };
  run_due();
  EXPECT_TRUE(fake_.Calls("sendMessage").empty()) << "no card while silenced";
  EXPECT_EQ(Events(id, model::EventKind::kSilenceMatched).size(), 1u);

  ASSERT_TRUE(engine_->silences().Expire(created->id));
  ASSERT_TRUE(engine_->ReconcileSilence(id));  // the "silences" job's work (not registered here)
  run_due();
  EXPECT_EQ(fake_.Calls("sendMessage").size(), 1u) << "the card, as for a new incident";
}

TEST_F(NotifyJobsTest, RateLimitedJobsComeBackWithoutCountingAnAttempt) {
  jobs::JobRunner runner(*store_, clock_);
  std::vector<std::string> outcomes;  // what /metrics counts
  RegisterNotifiers(runner, *store_, clock_, {notifier_.get()}, "",
                    [&](const std::string& channel, const char* outcome) {
                      outcomes.push_back(channel + " " + outcome);
                    });
  fake_.Script("sendMessage", {429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 30","parameters":{"retry_after":30}})"});
  OpenIncident();
  for (int i = 0; i < 10 && *runner.RunOnce();) ++i;
  auto jobs = store_->ListJobs();
  ASSERT_TRUE(jobs);
  const model::Job* telegram = nullptr;
  for (const auto& job : *jobs)
    if (job.kind == "notify.telegram") telegram = &job;
  ASSERT_NE(telegram, nullptr);
  EXPECT_EQ(telegram->run_at, clock_.Now() + 30 * kSecondMs);
  EXPECT_EQ(telegram->attempts, 0);
  EXPECT_EQ(outcomes, std::vector<std::string>{"telegram deferred"});
  clock_.Advance(30 * kSecondMs);
  for (int i = 0; i < 10 && *runner.RunOnce();) ++i;
  EXPECT_EQ(fake_.Calls("sendMessage").size(), 2u);
  EXPECT_EQ(outcomes, (std::vector<std::string>{"telegram deferred", "telegram delivered"}));
}

TEST(DeliveryOutcome, NamesWhatBecameOfTheAttempt) {
  EXPECT_STREQ(DeliveryOutcome(Status::Ok()), "delivered");
  EXPECT_STREQ(DeliveryOutcome(jobs::JobOutcome::RetryIn(1000, "429")), "deferred");
  EXPECT_STREQ(DeliveryOutcome(Unavailable("502")), "failed");
  EXPECT_STREQ(DeliveryOutcome(InvalidArgument("chat not found")), "rejected");
}

}  // namespace
}  // namespace quell::notify
