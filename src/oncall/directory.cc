#include "oncall/directory.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/hash.h"
#include "model/oncall_json.h"
#include "oncall/on_call.h"

namespace quell::oncall {
namespace {

const std::string kUserPrefix = "oncall/user/";
const std::string kSchedulePrefix = "oncall/schedule/";
const std::string kOverridePrefix = "oncall/override/";

std::string OverridePrefix(const std::string& schedule) { return kOverridePrefix + schedule + "/"; }

// Deletes a setting that may already be gone (another node deleted it first).
Status DeleteKey(store::Store& store, const std::string& key) {
  auto deleted = store.DeleteSetting(key);
  return deleted ? Status::Ok() : deleted.error();
}

// Every stored object under `prefix`, read with `parse`. One unreadable row (written by a newer
// version?) must not hide the others.
template <typename T, typename Parse>
Result<std::vector<T>> ListStored(store::Store& store, const std::string& prefix, Parse parse) {
  QUELL_ASSIGN_OR_RETURN(auto settings, store.ListSettings(prefix));
  std::vector<T> objects;
  for (const auto& [key, value] : settings) {
    Result<T> object = parse(value);
    if (!object) {
      spdlog::warn("skipping stored {}: {}", key, object.error().ToString());
      continue;
    }
    objects.push_back(std::move(*object));
  }
  return objects;
}

}  // namespace

Directory::Directory(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<bool> Directory::PutUser(const model::User& user) {
  QUELL_RETURN_IF_ERROR(model::CheckOnCallName(user.name, "name"));
  QUELL_ASSIGN_OR_RETURN(auto existing, store_.GetSetting(kUserPrefix + user.name));
  QUELL_RETURN_IF_ERROR(store_.PutSetting(kUserPrefix + user.name, model::UserToJsonText(user)));
  return !existing.has_value();
}

Result<std::vector<model::User>> Directory::ListUsers() {
  return ListStored<model::User>(store_, kUserPrefix, model::UserFromJsonText);
}

Result<std::optional<model::User>> Directory::FindUser(const std::string& name) {
  QUELL_ASSIGN_OR_RETURN(auto text, store_.GetSetting(kUserPrefix + name));
  if (!text) return std::optional<model::User>();
  QUELL_ASSIGN_OR_RETURN(model::User user, model::UserFromJsonText(*text));
  return std::optional(std::move(user));
}

Result<std::optional<model::User>> Directory::FindUserByTelegramId(int64_t telegram_user_id) {
  if (telegram_user_id == 0) return std::optional<model::User>();
  QUELL_ASSIGN_OR_RETURN(auto users, ListUsers());
  for (model::User& user : users)
    if (user.telegram_user_id == telegram_user_id) return std::optional(std::move(user));
  return std::optional<model::User>();
}

Status Directory::DeleteUser(const std::string& name) {
  QUELL_ASSIGN_OR_RETURN(auto user, FindUser(name));
  if (!user) return NotFound("no user " + name);
  // A schedule naming a user who is gone would page nobody: refuse instead.
  QUELL_ASSIGN_OR_RETURN(auto schedules, ListSchedules());
  const TimeMs now = clock_.Now();
  for (const model::Schedule& schedule : schedules) {
    for (const model::ScheduleLayer& layer : schedule.layers) {
      if (std::find(layer.users.begin(), layer.users.end(), name) != layer.users.end())
        return Conflict("user " + name + " is in a layer of schedule " + schedule.name +
                        "; take them out of it first");
    }
    QUELL_ASSIGN_OR_RETURN(auto overrides, ListOverrides(schedule.name, now));
    for (const model::Override& o : overrides) {
      if (o.user == name)
        return Conflict("user " + name + " has an override of schedule " + schedule.name +
                        " that has not ended");
    }
  }
  QUELL_ASSIGN_OR_RETURN(bool deleted, store_.DeleteSetting(kUserPrefix + name));
  if (!deleted) return NotFound("no user " + name);
  return Status::Ok();
}

Result<bool> Directory::PutSchedule(const model::Schedule& schedule) {
  QUELL_RETURN_IF_ERROR(model::CheckOnCallName(schedule.name, "name"));
  QUELL_RETURN_IF_ERROR(CheckTimeZone(schedule.time_zone, "time_zone"));
  for (size_t i = 0; i < schedule.layers.size(); ++i) {
    const auto& users = schedule.layers[i].users;
    for (size_t j = 0; j < users.size(); ++j) {
      QUELL_ASSIGN_OR_RETURN(auto user, FindUser(users[j]));
      if (!user) {
        const std::string field =
            "layers[" + std::to_string(i) + "].users[" + std::to_string(j) + "]";
        return Error(
            InvalidArgument(field + ": no user " + users[j] + " (POST /api/v1/users)", field));
      }
    }
  }
  const std::string key = kSchedulePrefix + schedule.name;
  QUELL_ASSIGN_OR_RETURN(auto existing, store_.GetSetting(key));
  QUELL_RETURN_IF_ERROR(store_.PutSetting(key, model::ScheduleToJsonText(schedule)));
  return !existing.has_value();
}

Result<std::vector<model::Schedule>> Directory::ListSchedules() {
  return ListStored<model::Schedule>(store_, kSchedulePrefix, model::ScheduleFromJsonText);
}

Result<model::Schedule> Directory::GetSchedule(const std::string& name) {
  QUELL_ASSIGN_OR_RETURN(auto text, store_.GetSetting(kSchedulePrefix + name));
  if (!text) return Error(NotFound("no schedule " + name));
  return model::ScheduleFromJsonText(*text);
}

Result<model::Schedule> Directory::DeleteSchedule(const std::string& name) {
  QUELL_ASSIGN_OR_RETURN(model::Schedule schedule, GetSchedule(name));
  // Overrides first: a failure half way leaves the schedule, which can be deleted again.
  QUELL_ASSIGN_OR_RETURN(auto overrides, store_.ListSettings(OverridePrefix(name)));
  for (const auto& [key, value] : overrides) QUELL_RETURN_IF_ERROR(DeleteKey(store_, key));
  QUELL_RETURN_IF_ERROR(DeleteKey(store_, kSchedulePrefix + name));
  return schedule;
}

Result<model::Override> Directory::AddOverride(const std::string& schedule,
                                               model::Override override_) {
  if (auto found = GetSchedule(schedule); !found) return Error(found.error());
  QUELL_ASSIGN_OR_RETURN(auto user, FindUser(override_.user));
  if (!user)
    return Error(InvalidArgument("no user " + override_.user + " (POST /api/v1/users)", "user"));
  override_.id = RandomHex(12);  // hex: URL-safe
  override_.schedule = schedule;
  override_.created_at = clock_.Now();
  QUELL_RETURN_IF_ERROR(store_.PutSetting(OverridePrefix(schedule) + override_.id,
                                          model::OverrideToJsonText(override_)));
  return override_;
}

Result<std::vector<model::Override>> Directory::ListOverrides(const std::string& schedule,
                                                              TimeMs after) {
  const TimeMs now = clock_.Now();
  QUELL_ASSIGN_OR_RETURN(
      auto overrides,
      ListStored<model::Override>(store_, OverridePrefix(schedule), [now](std::string_view text) {
        return model::OverrideFromJsonText(text, now);
      }));
  std::erase_if(overrides, [after](const model::Override& o) { return o.ends_at <= after; });
  std::sort(overrides.begin(), overrides.end(),
            [](const auto& a, const auto& b) { return a.starts_at < b.starts_at; });
  return overrides;
}

Result<model::Override> Directory::DeleteOverride(const std::string& schedule,
                                                  const std::string& id) {
  const std::string key = OverridePrefix(schedule) + id;
  QUELL_ASSIGN_OR_RETURN(auto text, store_.GetSetting(key));
  if (!text) return Error(NotFound("no override " + id + " of schedule " + schedule));
  QUELL_ASSIGN_OR_RETURN(model::Override override_,
                         model::OverrideFromJsonText(*text, clock_.Now()));
  QUELL_RETURN_IF_ERROR(DeleteKey(store_, key));
  return override_;
}

Result<model::OnCall> Directory::WhoIsOnCall(const std::string& schedule, TimeMs t) {
  QUELL_ASSIGN_OR_RETURN(model::Schedule found, GetSchedule(schedule));
  return OnCallFor(found, t);
}

Result<std::vector<std::pair<model::Schedule, model::OnCall>>> Directory::WhoIsOnCallEverywhere(
    TimeMs t) {
  QUELL_ASSIGN_OR_RETURN(auto schedules, ListSchedules());
  std::vector<std::pair<model::Schedule, model::OnCall>> answers;
  for (model::Schedule& schedule : schedules) {
    QUELL_ASSIGN_OR_RETURN(model::OnCall on_call, OnCallFor(schedule, t));
    answers.emplace_back(std::move(schedule), std::move(on_call));
  }
  return answers;
}

Result<model::OnCall> Directory::OnCallFor(const model::Schedule& schedule, TimeMs t) {
  QUELL_ASSIGN_OR_RETURN(auto overrides, ListOverrides(schedule.name, t));
  return oncall::WhoIsOnCall(schedule, overrides, t);
}

}  // namespace quell::oncall
