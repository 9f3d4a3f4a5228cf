#include "notify/oncall_text.h"

#include "common/text.h"
#include "common/time_format.h"
#include "oncall/time_zone.h"

namespace quell::notify {
namespace {

// "2026-12-14 09:00 (Europe/Berlin)"; in UTC if the zone has gone from the system.
std::string WallClock(TimeMs t, const std::string& zone_name) {
  auto zone = oncall::TimeZone::Find(zone_name);
  const std::string text = FormatRfc3339(zone ? zone->ToLocal(t) : t);  // 2026-12-14T09:00:00.000Z
  return text.substr(0, 10) + " " + text.substr(11, 5) + " (" +
         (zone ? HtmlEscape(zone_name) : std::string("UTC")) + ")";
}

}  // namespace

std::string OnCallHtml(const std::vector<std::pair<model::Schedule, model::OnCall>>& answers) {
  if (answers.empty()) return "No on-call schedules yet (POST /api/v1/schedules).";
  std::string html = "<b>On call</b>";
  for (const auto& [schedule, on_call] : answers) {
    html += "\n<b>" + HtmlEscape(schedule.name) + "</b>: ";
    html += on_call.user.empty() ? "nobody" : HtmlEscape(on_call.user);
    if (on_call.until) html += " until " + WallClock(*on_call.until, schedule.time_zone);
  }
  return html;
}

bool IsCommand(std::string_view text, std::string_view name) {
  if (text.size() < name.size() + 1 || text[0] != '/' || text.substr(1, name.size()) != name)
    return false;
  const std::string_view rest = text.substr(1 + name.size());
  return rest.empty() || rest[0] == '@' || rest[0] == ' ' || rest[0] == '\n';
}

}  // namespace quell::notify
