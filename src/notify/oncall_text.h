// The answer to Telegram's /oncall command: who is on call for each schedule and until when, on
// the schedule's own wall clock. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/oncall.h"

namespace quell::notify {

// HTML for Telegram, one line per schedule, e.g. "<b>primary</b>: ana until 2026-12-14 09:00
// (Europe/Berlin)"; "nobody" when nobody is on call; no "until" when that never changes.
std::string OnCallHtml(const std::vector<std::pair<model::Schedule, model::OnCall>>& answers);

// Whether `text` is the command `name` ("/oncall", "/oncall@QuellBot", "/oncall now").
bool IsCommand(std::string_view text, std::string_view name);

}  // namespace quell::notify
