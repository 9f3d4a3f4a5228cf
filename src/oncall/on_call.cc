#include "oncall/on_call.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "common/time_format.h"
#include "oncall/time_zone.h"

namespace quell::oncall {
namespace {

constexpr int kMaxLookahead = 1000;

// Where one layer's shifts start: shift k starts at Start(k), k >= 0.
class LayerClock {
 public:
  LayerClock(const model::ScheduleLayer& layer, const TimeZone& zone)
      : layer_(layer),
        zone_(zone),
        calendar_(layer.rotation_ms % kDayMs == 0),
        local_handoff_(calendar_ ? zone.ToLocal(layer.handoff) : 0) {}

  TimeMs Start(int64_t k) const {
    if (k == 0) return layer_.handoff;
    if (calendar_) return zone_.FromLocal(local_handoff_ + k * layer_.rotation_ms);
    return layer_.handoff + k * layer_.rotation_ms;
  }

  // The shift holding `t` (t >= handoff).
  int64_t ShiftAt(TimeMs t) const {
    int64_t k = calendar_ ? FloorDiv(zone_.ToLocal(t) - local_handoff_, layer_.rotation_ms)
                          : FloorDiv(t - layer_.handoff, layer_.rotation_ms);
    // Around a change of offset the wall-clock estimate can be one shift off.
    while (k > 0 && Start(k) > t) --k;
    while (Start(k + 1) <= t) ++k;
    return k;
  }

 private:
  const model::ScheduleLayer& layer_;
  const TimeZone& zone_;
  const bool calendar_;
  const TimeMs local_handoff_;
};

// Who one layer has at `t`, and its next change after t (nullopt: none).
struct LayerState {
  std::string user;
  std::optional<TimeMs> next;
};

LayerState LayerAt(const model::ScheduleLayer& layer, const TimeZone& zone, TimeMs t) {
  if (layer.users.empty()) return {};
  if (t < layer.handoff) return {"", layer.handoff};
  // One person handing over to themself: no change ever (saves looking ahead shift by shift).
  if (std::all_of(layer.users.begin(), layer.users.end(),
                  [&](const std::string& u) { return u == layer.users[0]; }))
    return {layer.users[0], std::nullopt};
  LayerClock clock(layer, zone);
  const int64_t k = clock.ShiftAt(t);
  const int64_t n = static_cast<int64_t>(layer.users.size());
  const TimeMs next = clock.Start(k + 1);
  return {layer.users[k % n], next <= kMaxTimeMs ? std::optional(next) : std::nullopt};
}

void KeepEarliest(std::optional<TimeMs>& earliest, std::optional<TimeMs> candidate) {
  if (candidate && (!earliest || *candidate < *earliest)) earliest = candidate;
}

// Who is on call at `t`, and the next boundary after t that could change that: of an override
// while one is active, else of the top layer with someone and the layers above it (an earlier
// layer's handoffs do not matter while a later one covers it).
LayerState ScheduleAt(const model::Schedule& schedule, const TimeZone& zone,
                      std::span<const model::Override> overrides, TimeMs t) {
  LayerState result;
  const model::Override* winner = nullptr;
  for (const model::Override& o : overrides) {
    if (o.schedule != schedule.name) continue;
    if (o.starts_at > t) KeepEarliest(result.next, o.starts_at);
    if (o.starts_at > t || o.ends_at <= t) continue;
    KeepEarliest(result.next, o.ends_at);
    if (!winner || std::tie(o.created_at, o.id) > std::tie(winner->created_at, winner->id))
      winner = &o;
  }
  if (winner) {
    result.user = winner->user;
    return result;
  }
  for (auto layer = schedule.layers.rbegin(); layer != schedule.layers.rend(); ++layer) {
    LayerState state = LayerAt(*layer, zone, t);
    KeepEarliest(result.next, state.next);
    if (!state.user.empty()) {
      result.user = std::move(state.user);
      break;
    }
  }
  return result;
}

}  // namespace

Result<model::OnCall> WhoIsOnCall(const model::Schedule& schedule,
                                  std::span<const model::Override> overrides, TimeMs t) {
  auto zone = TimeZone::Find(schedule.time_zone);
  if (!zone) return Error(InvalidArgument(zone.error().message(), "time_zone"));
  const LayerState now = ScheduleAt(schedule, *zone, overrides, t);
  std::optional<TimeMs> until = now.next;
  // A boundary need not change the person (a one-user layer hands over to itself; an override
  // may name who the rotation has anyway): look on to the first one that does.
  for (int i = 0; i < kMaxLookahead && until; ++i) {
    const LayerState then = ScheduleAt(schedule, *zone, overrides, *until);
    if (then.user != now.user || !then.next) {
      if (then.user == now.user) until.reset();
      break;
    }
    until = then.next;
  }
  return model::OnCall{now.user, until};
}

Status CheckTimeZone(const std::string& name, const std::string& field) {
  auto zone = TimeZone::Find(name);
  if (!zone) return InvalidArgument(zone.error().message(), field);
  return Status::Ok();
}

}  // namespace quell::oncall
