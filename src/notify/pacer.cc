#include "notify/pacer.h"

#include <algorithm>

namespace quell::notify {

TimeMs Pacer::Reserve(int64_t chat_id, TimeMs now) {
  std::lock_guard lock(mu_);
  ChatState& chat = chats_[chat_id];
  while (!chat.sent.empty() && chat.sent.front() <= now - kMinuteMs) chat.sent.pop_front();
  while (!overall_.empty() && overall_.front() <= now - kSecondMs) overall_.pop_front();

  TimeMs wait = 0;
  if (chat.blocked_until > now) wait = chat.blocked_until - now;
  if (!chat.sent.empty())
    wait = std::max(wait, chat.sent.back() + limits_.per_chat_interval_ms - now);
  const bool group = chat_id < 0;
  if (group && static_cast<int>(chat.sent.size()) >= limits_.per_group_per_minute)
    wait = std::max(wait, chat.sent.front() + kMinuteMs - now);
  if (static_cast<int>(overall_.size()) >= limits_.overall_per_second)
    wait = std::max(wait, overall_.front() + kSecondMs - now);
  if (wait > 0) return wait;
  chat.sent.push_back(now);
  overall_.push_back(now);
  return 0;
}

void Pacer::Block(int64_t chat_id, TimeMs until) {
  std::lock_guard lock(mu_);
  ChatState& chat = chats_[chat_id];
  chat.blocked_until = std::max(chat.blocked_until, until);
}

}  // namespace quell::notify
