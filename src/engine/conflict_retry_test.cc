#include "engine/conflict_retry.h"

#include <gtest/gtest.h>

namespace quell::engine {
namespace {

TEST(RetryOnConflict, RunsAgainUntilNoConflict) {
  int attempts = 0;
  Result<int> result = RetryOnConflict([&]() -> Result<int> {
    if (++attempts < 3) return Error(Aborted("deadlock detected"));
    return 42;
  });
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(attempts, 3);
}

TEST(RetryOnConflict, OtherErrorsAreNotRetried) {
  int attempts = 0;
  Status status = RetryOnConflict([&] {
    ++attempts;
    return Unavailable("the database is away");  // a COMMIT's outcome may be unknown
  });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(attempts, 1);
}

TEST(RetryOnConflict, GivesUpAfterTheLastAttempt) {
  int attempts = 0;
  Status status = RetryOnConflict([&] {
    ++attempts;
    return Aborted("deadlock detected");
  });
  EXPECT_EQ(status.code(), StatusCode::kAborted);
  EXPECT_EQ(attempts, kMaxConflictAttempts);
}

}  // namespace
}  // namespace quell::engine
