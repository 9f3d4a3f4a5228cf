// Pacer: keeps Quell inside Telegram's flood limits before Telegram has to say 429 — at most one
// message a second per chat, 20 a minute per group (negative chat ids), 30 a second overall —
// and remembers a 429's retry_after. Times are passed in, so it is tested without sleeping.
// Thread-safe. In-memory: after a restart the first sends may come a little faster.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>

#include "common/clock.h"

namespace quell::notify {

struct PacerLimits {
  TimeMs per_chat_interval_ms = 1000;
  int per_group_per_minute = 20;
  int overall_per_second = 30;
};

class Pacer {
 public:
  explicit Pacer(PacerLimits limits = {}) : limits_(limits) {}

  // 0 if a message to `chat_id` may go now (and it is counted as sent); otherwise how many
  // milliseconds to wait before asking again.
  TimeMs Reserve(int64_t chat_id, TimeMs now);
  // Telegram asked to wait: nothing goes to `chat_id` before `until`.
  void Block(int64_t chat_id, TimeMs until);

 private:
  struct ChatState {
    std::deque<TimeMs> sent;  // within the last minute
    TimeMs blocked_until = 0;
  };
  const PacerLimits limits_;
  std::mutex mu_;
  std::map<int64_t, ChatState> chats_;
  std::deque<TimeMs> overall_;  // within the last second
};

}  // namespace quell::notify
