#include "oncall/directory.h"

#include <gtest/gtest.h>

#include "../tests/test_store.h"
#include "common/time_format.h"

namespace quell::oncall {
namespace {

TimeMs T(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = testing::OpenTestStore(dir_);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    clock_.Set(T("2026-01-01T12:00:00Z"));
    directory_ = std::make_unique<Directory>(*store_, clock_);
    for (const char* name : {"ana", "bo", "cy"})
      ASSERT_TRUE(directory_->PutUser({name, 100}).value_or(false));
  }

  // cy on call 13:00-15:00 on 2026-01-01.
  static model::Override CyOverride() {
    model::Override o;
    o.user = "cy";
    o.starts_at = T("2026-01-01T13:00:00Z");
    o.ends_at = T("2026-01-01T15:00:00Z");
    return o;
  }

  model::Schedule Primary() {
    return {"primary", "Europe/Berlin", {{{"ana", "bo"}, 24 * kHourMs, T("2026-01-01T08:00:00Z")}}};
  }

  testing::TestDir dir_{"directory_test"};
  std::unique_ptr<store::Store> store_;
  ManualClock clock_;
  std::unique_ptr<Directory> directory_;
};

TEST_F(DirectoryTest, UsersAreCreatedReplacedListedAndDeleted) {
  EXPECT_EQ(directory_->PutUser({"ana", 42}), false);  // replaced
  auto ana = directory_->FindUser("ana");
  ASSERT_TRUE(ana && *ana);
  EXPECT_EQ((*ana)->telegram_user_id, 42);
  auto users = directory_->ListUsers();
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 3u);
  EXPECT_EQ((*users)[1].name, "bo");
  EXPECT_TRUE(directory_->DeleteUser("cy").ok());
  EXPECT_EQ(directory_->DeleteUser("cy").code(), StatusCode::kNotFound);
  EXPECT_FALSE(*directory_->FindUser("cy"));
}

TEST_F(DirectoryTest, SchedulesNameTheUnknownUserOrZone) {
  model::Schedule s = Primary();
  s.layers[0].users.push_back("zed");
  auto put = directory_->PutSchedule(s);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().field(), "layers[0].users[2]");
  s = Primary();
  s.time_zone = "Europe/Atlantis";
  EXPECT_EQ(directory_->PutSchedule(s).error().field(), "time_zone");
  EXPECT_EQ(directory_->GetSchedule("primary").error().code(), StatusCode::kNotFound);
}

TEST_F(DirectoryTest, OverridesWinAndAUserInUseCannotBeDeleted) {
  ASSERT_EQ(directory_->PutSchedule(Primary()), true);
  EXPECT_EQ(directory_->PutSchedule(Primary()), false);
  auto now = directory_->WhoIsOnCall("primary", clock_.Now());
  ASSERT_TRUE(now) << now.error().ToString();
  EXPECT_EQ(*now, (model::OnCall{"ana", T("2026-01-02T08:00:00Z")}));

  model::Override o = CyOverride();
  auto added = directory_->AddOverride("primary", o);
  ASSERT_TRUE(added) << added.error().ToString();
  EXPECT_EQ(added->schedule, "primary");
  EXPECT_FALSE(added->id.empty());
  auto during = directory_->WhoIsOnCall("primary", T("2026-01-01T14:00:00Z"));
  ASSERT_TRUE(during);
  EXPECT_EQ(*during, (model::OnCall{"cy", T("2026-01-01T15:00:00Z")}));

  // cy is only in the override; ana and bo are in the layer.
  EXPECT_EQ(directory_->DeleteUser("cy").code(), StatusCode::kConflict);
  EXPECT_EQ(directory_->DeleteUser("bo").code(), StatusCode::kConflict);
  clock_.Set(T("2026-01-01T15:00:00Z"));  // the override has ended
  EXPECT_TRUE(directory_->DeleteUser("cy").ok());

  o.user = "nobody";
  EXPECT_EQ(directory_->AddOverride("primary", o).error().field(), "user");
  EXPECT_EQ(directory_->AddOverride("secondary", o).error().code(), StatusCode::kNotFound);
}

TEST_F(DirectoryTest, DeletedOverridesGiveTheWindowBackAndSchedulesTakeTheirsAlong) {
  ASSERT_TRUE(directory_->PutSchedule(Primary()));
  model::Override o = CyOverride();
  auto added = directory_->AddOverride("primary", o);
  ASSERT_TRUE(added) << added.error().ToString();
  auto deleted = directory_->DeleteOverride("primary", added->id);
  ASSERT_TRUE(deleted) << deleted.error().ToString();
  EXPECT_EQ(*deleted, *added);
  EXPECT_EQ(directory_->WhoIsOnCall("primary", T("2026-01-01T14:00:00Z"))->user, "ana");
  EXPECT_EQ(directory_->DeleteOverride("primary", added->id).error().code(), StatusCode::kNotFound);

  ASSERT_TRUE(directory_->AddOverride("primary", o));
  auto schedule = directory_->DeleteSchedule("primary");
  ASSERT_TRUE(schedule) << schedule.error().ToString();
  EXPECT_EQ(*schedule, Primary());
  EXPECT_TRUE(store_->ListSettings("oncall/override/")->empty());
  EXPECT_EQ(directory_->DeleteSchedule("primary").error().code(), StatusCode::kNotFound);
  EXPECT_TRUE(directory_->DeleteUser("cy").ok());  // its override went with the schedule
}

TEST_F(DirectoryTest, EverySchedule) {
  ASSERT_TRUE(directory_->PutSchedule(Primary()));
  model::Schedule db = Primary();
  db.name = "db";
  db.layers[0].users = {"cy"};
  ASSERT_TRUE(directory_->PutSchedule(db));
  auto all = directory_->WhoIsOnCallEverywhere(clock_.Now());
  ASSERT_TRUE(all) << all.error().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].first.name, "db");
  EXPECT_EQ((*all)[0].second, (model::OnCall{"cy", std::nullopt}));
  EXPECT_EQ((*all)[1].second.user, "ana");
  EXPECT_EQ(directory_->WhoIsOnCall("nope", 0).error().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace quell::oncall
