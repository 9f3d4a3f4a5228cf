// ReadLogsSettled: Store::ReadLogsAfter, read again while the page is held back. On PostgreSQL a
// page stops before lines committed after a transaction still running anywhere on the server;
// ctest runs tests side by side on one server, so another test's transaction can hold back a
// page for a moment. A page held back for 5 s is returned as it is (and fails the test).
#pragma once

#include <chrono>
#include <thread>

#include "store/store.h"

namespace quell::testing {

inline Result<store::LogPage> ReadLogsSettled(store::Store& store, const store::LogCursor& after,
                                              int limit) {
  auto page = store.ReadLogsAfter(after, limit);
  for (int i = 0; i < 500 && page && page->held_back; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    page = store.ReadLogsAfter(after, limit);
  }
  return page;
}

}  // namespace quell::testing
