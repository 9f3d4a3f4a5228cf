// Directory: the users, schedules and overrides of every node, kept in the Store as settings
// (the JSON of model/oncall_json.h under "oncall/user/<name>", "oncall/schedule/<name>" and
// "oncall/override/<schedule>/<id>"), so SQLite and PostgreSQL hold them without a schema change.
// Every call reads the Store: nothing is cached, so what another node wrote is seen at once.
// This is what the API, Telegram's /oncall and escalation ask "who is on call for schedule X at
// t" (WhoIsOnCall) and "how do I reach this user" (FindUser). Thread-safe (the Store is).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/oncall.h"
#include "store/store.h"

namespace quell::oncall {

class Directory {
 public:
  // `store` and `clock` must outlive this.
  Directory(store::Store& store, const Clock& clock);

  // Creates the user, or replaces the one of that name. Returns whether it was created. Two
  // nodes writing the same name at once: the last write wins.
  Result<bool> PutUser(const model::User& user);
  // By name.
  Result<std::vector<model::User>> ListUsers();
  Result<std::optional<model::User>> FindUser(const std::string& name);
  // The user with this Telegram user id (a press in a direct message), if any.
  Result<std::optional<model::User>> FindUserByTelegramId(int64_t telegram_user_id);
  // NotFound for an unknown name; Conflict naming the schedule while a schedule's layer or an
  // override that has not ended names the user.
  Status DeleteUser(const std::string& name);

  // Creates the schedule, or replaces its layers (its overrides stay). Returns whether it was
  // created. InvalidArgument naming the field for an unknown time zone ("time_zone") or user
  // ("layers[0].users[1]").
  Result<bool> PutSchedule(const model::Schedule& schedule);
  // By name.
  Result<std::vector<model::Schedule>> ListSchedules();
  // NotFound for an unknown name.
  Result<model::Schedule> GetSchedule(const std::string& name);
  // Deletes the schedule with its overrides and returns it; NotFound for an unknown name.
  Result<model::Schedule> DeleteSchedule(const std::string& name);

  // Adds an override to schedule `schedule` with a fresh random id and created_at = now.
  // NotFound for an unknown schedule; InvalidArgument ("user") for an unknown user.
  Result<model::Override> AddOverride(const std::string& schedule, model::Override override_);
  // The schedule's overrides that end after `after`, by start.
  Result<std::vector<model::Override>> ListOverrides(const std::string& schedule, TimeMs after);
  // Deletes one (a mistake, or plans that changed) and returns it; NotFound for an unknown id.
  Result<model::Override> DeleteOverride(const std::string& schedule, const std::string& id);

  // Who is on call for the schedule at `t` (oncall/on_call.h); NotFound for an unknown schedule.
  Result<model::OnCall> WhoIsOnCall(const std::string& schedule, TimeMs t);
  // The same for every schedule, by name, with the schedule (its time zone, for showing `until`).
  Result<std::vector<std::pair<model::Schedule, model::OnCall>>> WhoIsOnCallEverywhere(TimeMs t);

 private:
  Result<model::OnCall> OnCallFor(const model::Schedule& schedule, TimeMs t);

  store::Store& store_;
  const Clock& clock_;
};

}  // namespace quell::oncall
