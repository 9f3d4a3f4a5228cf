// TelegramNotifier::Page against FakeTelegram with a real store and Engine: a person gets the
// card by direct message (and a reply to it when paged again), a configured chat a reply to its
// card; a 403 is on the timeline and in the chat, and a page retried after pacing never tries
// the refused direct message again nor repeats who was done; nothing is sent once the incident
// is acknowledged. A press in a direct message by a user of the directory acts; by anyone else
// it is refused.
#include <gtest/gtest.h>

#include "notify/telegram_test_rig.h"
#include "notify/telegram_updates.h"

namespace quell::notify {
namespace {

namespace json = boost::json;
using testing::FakeReply;
using testing::FakeTelegram;

constexpr int64_t kChat = -1004321;
constexpr int64_t kAna = 4242;

class TelegramPagerTest : public testing::TelegramRig {
 protected:
  void SetUp() override {
    Build(kChat, 7);
    if (HasFatalFailure()) return;
    ASSERT_TRUE(engine_->oncall().PutUser({"ana", kAna}));
    model::NormalizedAlert a;
    a.service = "api";
    a.message = "Redis timeout";
    a.fingerprint = "fp";
    auto r = engine_->Ingest({a});
    ASSERT_TRUE(r);
    id_ = r->front().incident_id;
  }

  IncidentSnapshot Snapshot() {
    auto incident = store_->GetIncident(id_);
    EXPECT_TRUE(incident && *incident);
    return {**incident, std::nullopt, "", clock_.Now(), {}};
  }

  model::Page PageOf(std::vector<model::PageRecipient> recipients) {
    return model::Page{++step_event_, 0, 0, "default", std::move(recipients)};
  }

  std::vector<testing::FakeCall> To(int64_t chat) {
    std::vector<testing::FakeCall> out;
    for (auto& c : fake_.Calls("sendMessage"))
      if (c.body.at("chat_id").as_int64() == chat) out.push_back(c);
    return out;
  }

  std::vector<model::Event> Events(model::EventKind kind) { return TelegramRig::Events(id_, kind); }

  int64_t id_ = 0;
  int64_t step_event_ = 0;
};

const model::PageRecipient kAnaPaged{"ana", "schedule primary", kAna, 0, ""};

TEST_F(TelegramPagerTest, APersonGetsTheCardByDirectMessageThenARepliedPing) {
  const model::Page first = PageOf({kAnaPaged});
  ASSERT_TRUE(notifier_->Page(Snapshot(), first).status.ok());
  auto dms = To(kAna);
  ASSERT_EQ(dms.size(), 1u);
  EXPECT_FALSE(dms[0].body.contains("message_thread_id")) << "a direct message has no topic";
  EXPECT_FALSE(dms[0].body.at("disable_notification").as_bool());
  EXPECT_NE(json::serialize(dms[0].body.at("reply_markup")).find("ack:" + std::to_string(id_)),
            std::string::npos);
  EXPECT_EQ(Events(model::EventKind::kNotified).size(), 1u);
  // The same page again (a retried job): nobody is paged twice.
  ASSERT_TRUE(notifier_->Page(Snapshot(), first).status.ok());
  EXPECT_EQ(To(kAna).size(), 1u);
  // A later step: a reply to that card, which rings.
  clock_.Advance(2 * kSecondMs);
  ASSERT_TRUE(notifier_->Page(Snapshot(), PageOf({kAnaPaged})).status.ok());
  dms = To(kAna);
  ASSERT_EQ(dms.size(), 2u);
  EXPECT_TRUE(dms[1].body.contains("reply_parameters"));
  // Deliver keeps the card in the direct message current too.
  ASSERT_TRUE(engine_->Act(id_, engine::Action::kAck, "ana", ""));
  clock_.Advance(2 * kSecondMs);  // past the pacing of the reply
  ASSERT_TRUE(notifier_->Deliver(Snapshot()).status.ok());
  bool edited = false;
  for (auto& c : fake_.Calls("editMessageText")) edited = edited || c.body.at("chat_id").as_int64() == kAna;
  EXPECT_TRUE(edited);
}

// A direct message that got no answer may have been posted: the retried page sends the card
// again marked so, rings, and the timeline says the earlier send's outcome is unknown, as for a
// configured chat's card.
TEST_F(TelegramPagerTest, ADirectMessageWithNoAnswerIsSentAgainMarked) {
  fake_.ScriptForChat("sendMessage", kAna,
                      {200, R"({"ok":true,"result":{"message_id":9}})", /*delay_ms=*/4000});
  const model::Page page = PageOf({kAnaPaged});
  EXPECT_FALSE(notifier_->Page(Snapshot(), page).status.ok()) << "the client gives up after 3 s";
  EXPECT_TRUE(Events(model::EventKind::kNotifyOutcomeUnknown).empty());
  clock_.Advance(2 * kSecondMs);
  ASSERT_TRUE(notifier_->Page(Snapshot(), page).status.ok());
  auto dms = To(kAna);
  ASSERT_EQ(dms.size(), 2u);
  EXPECT_NE(std::string(dms[1].body.at("text").as_string())
                .find("Sent again: an earlier send was not confirmed"),
            std::string::npos)
      << dms[1].body.at("text").as_string();
  EXPECT_FALSE(dms[1].body.at("disable_notification").as_bool()) << "a page rings";
  EXPECT_EQ(Events(model::EventKind::kNotifyOutcomeUnknown).size(), 1u);
  EXPECT_EQ(Events(model::EventKind::kNotified).size(), 1u);
}

TEST_F(TelegramPagerTest, A403IsOnTheTimelineAndTheChatIsToldOnceEvenWhenPaced) {
  fake_.ScriptForChat("sendMessage", kAna,
                      {403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot can't initiate conversation with a user"})"});
  pacer_.Block(kChat, clock_.Now() + kSecondMs);  // the chat's card was just sent
  model::Page page = PageOf({kAnaPaged});
  jobs::JobOutcome first = notifier_->Page(Snapshot(), page);
  ASSERT_TRUE(first.retry_in_ms) << "paced: " << first.status.ToString();
  EXPECT_EQ(To(kAna).size(), 1u);
  auto failed = Events(model::EventKind::kNotifyFailed);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(failed[0].note.find("could not page ana"), std::string::npos) << failed[0].note;
  EXPECT_NE(failed[0].note.find("403"), std::string::npos) << failed[0].note;
  clock_.Advance(2 * kSecondMs);
  ASSERT_TRUE(notifier_->Page(Snapshot(), page).status.ok());
  EXPECT_EQ(To(kAna).size(), 1u) << "the refused direct message is not tried again";
  auto told = To(kChat);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_NE(std::string(told[0].body.at("text").as_string()).find("Could not page ana"),
            std::string::npos);
  EXPECT_EQ(told[0].body.at("message_thread_id").as_int64(), 7);
  EXPECT_EQ(Events(model::EventKind::kNotifyFailed).size(), 1u);
}

TEST_F(TelegramPagerTest, NobodyIsPagedOnceTheIncidentIsAcknowledged) {
  ASSERT_TRUE(engine_->Act(id_, engine::Action::kAck, "bo", ""));
  ASSERT_TRUE(notifier_->Page(Snapshot(), PageOf({kAnaPaged, {"", "", 0, kChat, ""}})).status.ok());
  EXPECT_TRUE(fake_.Calls("sendMessage").empty());
}

TEST_F(TelegramPagerTest, APressInADirectMessageActsOnlyForAUserOfTheDirectory) {
  TelegramUpdates updates(*api_, *engine_, TelegramAccess{{kChat}, {/*only*/ 1}});
  const std::string ack = "ack:" + std::to_string(id_);
  EXPECT_NE(updates.Act({"cb1", 999, "@mallory", 999, 1, ack}).find("not allowed"),
            std::string::npos);
  EXPECT_NE(updates.Act({"cb2", kAna, "@ana", kChat, 1, ack}).find("not allowed"),
            std::string::npos)
      << "in the chat, telegram.allowed_user_ids still decides";
  EXPECT_NE(updates.Act({"cb3", kAna, "@ana", 555, 1, ack}).find("not allowed"), std::string::npos)
      << "another chat is not her direct message";
  EXPECT_EQ(updates.Act({"cb4", kAna, "@ana", kAna, 1, ack}), "Acknowledged ✓");
  auto incident = store_->GetIncident(id_);
  ASSERT_TRUE(incident && *incident);
  EXPECT_EQ((*incident)->acked_by, "telegram:ana");
}

}  // namespace
}  // namespace quell::notify
