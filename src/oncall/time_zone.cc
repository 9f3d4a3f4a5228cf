#include "oncall/time_zone.h"

#include <date/tz.h>

namespace quell::oncall {
namespace {

using Ms = std::chrono::milliseconds;

}  // namespace

Result<TimeZone> TimeZone::Find(std::string_view name) {
  // The library throws for an unknown name, and when it cannot read the database at all.
  try {
    return TimeZone(date::locate_zone(std::string(name)));
  } catch (const std::exception&) {
    return Error(InvalidArgument("unknown time zone \"" + std::string(name) +
                                 "\" (an IANA name such as Europe/Berlin or UTC)"));
  }
}

TimeMs TimeZone::ToLocal(TimeMs utc) const {
  const date::sys_time<Ms> t{Ms(utc)};
  return (t + zone_->get_info(t).offset).time_since_epoch().count();
}

TimeMs TimeZone::FromLocal(TimeMs local) const {
  const date::local_time<Ms> t{Ms(local)};
  // `first` is the offset before a gap (so a skipped time lands after it) and the earlier of
  // two offsets in an overlap (so a repeated time is its first occurrence).
  const date::local_info info = zone_->get_info(t);
  return (t.time_since_epoch() - info.first.offset).count();
}

const std::string& TimeZone::name() const { return zone_->name(); }

}  // namespace quell::oncall
