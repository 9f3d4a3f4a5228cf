// ServerPerSuite: a test fixture whose tests share one `quell serve` (started once per suite,
// stopped after its last test) and its admin token. For suites whose tests do not depend on
// each other's data; a test that needs a server of its own (flags, restarts) makes a
// ServerProcess instead. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "server_process.h"

namespace quell::testing {

class ServerPerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    ASSERT_TRUE(server_->Start()) << server_->log();
    token_ = server_->admin_token();
    ASSERT_FALSE(token_.empty());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    token_.clear();
  }

  // Suites run one after the other, so the suites deriving from this share these two.
  static inline ServerProcess* server_ = nullptr;
  static inline std::string token_;
};

}  // namespace quell::testing
