#include "model/fingerprint.h"

#include <gtest/gtest.h>

namespace quell::model {
namespace {

NormalizedAlert Alert(std::string service, std::string message) {
  model::NormalizedAlert a;
  a.service = std::move(service);
  a.message = std::move(message);
  return a;
}

TEST(MaskVariableText, MasksWordsWithDigits) {
  EXPECT_EQ(MaskVariableText("Redis timeout after 4200ms on redis-3:6379."),
            "Redis timeout after # on #.");
  EXPECT_EQ(MaskVariableText("user 0xdeadbeef failed"), "user # failed");
  EXPECT_EQ(MaskVariableText("plain words only"), "plain words only");
  EXPECT_EQ(MaskVariableText(""), "");
}

TEST(GenericFingerprint, IgnoresVariablePartsOfTheMessage) {
  auto a = Alert("api", "Redis timeout after 4200ms");
  auto b = Alert("api", "Redis timeout after 310ms");
  EXPECT_EQ(GenericFingerprint(a), GenericFingerprint(b));
  EXPECT_EQ(GenericFingerprint(a).size(), 16u);
}

TEST(GenericFingerprint, IdentityFieldsChangeIt) {
  auto base = Alert("api", "Redis timeout");
  auto other_service = Alert("web", "Redis timeout");
  auto other_env = base;
  other_env.environment = "staging";
  auto other_label = base;
  other_label.labels["instance"] = "api-2";
  auto other_name = base;
  other_name.name = "RedisDown";
  for (const auto& other : {other_service, other_env, other_label, other_name})
    EXPECT_NE(GenericFingerprint(base), GenericFingerprint(other));
}

TEST(GenericFingerprint, NonIdentityFieldsDoNotChangeIt) {
  auto base = Alert("api", "Redis timeout");
  auto changed = base;
  changed.severity = Severity::kCritical;
  changed.metrics["latency"] = 4200;
  changed.deploy = "441";
  changed.annotations["summary"] = "x";
  changed.starts_at = 12345;
  EXPECT_EQ(GenericFingerprint(base), GenericFingerprint(changed));
}

TEST(GenericFingerprint, NameTakesPrecedenceOverMessage) {
  auto a = Alert("api", "disk 91% full");
  auto b = Alert("api", "disk almost full, hurry");
  a.name = b.name = "DiskFull";
  EXPECT_EQ(GenericFingerprint(a), GenericFingerprint(b));
}

TEST(AlertmanagerFingerprint, EmptyLabelValuesAreAbsent) {
  EXPECT_EQ(AlertmanagerFingerprint({{"a", "1"}, {"b", ""}}),
            AlertmanagerFingerprint({{"a", "1"}}));
}

}  // namespace
}  // namespace quell::model
