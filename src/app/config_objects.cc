#include "app/config_objects.h"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "app/config_kinds.h"
#include "engine/engine.h"
#include "engine/silence_matcher.h"
#include "model/oncall_json.h"
#include "model/silence_json.h"
#include "oncall/on_call.h"
#include "store/config_defined.h"

namespace quell::app {
namespace {

namespace json = boost::json;

// Puts the entry's place in front of an error about it: file:line, table[i] and the field.
// The readers' messages start with the field when they name one ("layers[0].rotation must
// be ..."): it is then said once, in full.
Status AtEntry(const config::DefinedObject& entry, const Status& error) {
  const std::string at = entry.table + "[" + std::to_string(entry.index) + "]";
  const std::string& field = error.field();
  const std::string& message = error.message();
  const bool names_field = !field.empty() && message.rfind(field, 0) == 0;
  return InvalidArgument(entry.where + ": " + at + (names_field ? "." : ": ") + message,
                         field.empty() ? at : at + "." + field);
}

template <typename T>
Status StatusOf(const Result<T>& result) {
  return result ? Status::Ok() : result.error();
}

// Every name once within its table.
Status CheckUnique(std::set<std::string>& seen, const std::string& name) {
  if (!seen.insert(name).second)
    return InvalidArgument("name: " + name + " is defined twice", "name");
  return Status::Ok();
}

Status ReadUser(ConfigObjects& out, std::set<std::string>& seen, const json::value& v) {
  QUELL_ASSIGN_OR_RETURN(model::User user, model::UserFromJson(v));
  QUELL_RETURN_IF_ERROR(CheckUnique(seen, user.name));
  out.users.push_back(std::move(user));
  return Status::Ok();
}

Status ReadSchedule(ConfigObjects& out, std::set<std::string>& seen, const json::value& v,
                    const std::set<std::string>& users) {
  QUELL_ASSIGN_OR_RETURN(model::Schedule schedule, model::ScheduleFromJson(v));
  QUELL_RETURN_IF_ERROR(CheckUnique(seen, schedule.name));
  if (Status zone = oncall::CheckTimeZone(schedule.time_zone, "time_zone"); !zone.ok())
    return InvalidArgument("time_zone: " + zone.message(), "time_zone");
  for (size_t i = 0; i < schedule.layers.size(); ++i) {
    const auto& names = schedule.layers[i].users;
    for (size_t j = 0; j < names.size(); ++j) {
      if (users.contains(names[j])) continue;
      const std::string field =
          "layers[" + std::to_string(i) + "].users[" + std::to_string(j) + "]";
      return InvalidArgument(field + ": no user " + names[j] + " in [[oncall.users]]", field);
    }
  }
  out.schedules.push_back(std::move(schedule));
  return Status::Ok();
}

Status ReadMaintenance(ConfigObjects& out, std::set<std::string>& seen, const json::value& v,
                       TimeMs now) {
  if (!v.is_object()) return InvalidArgument("must be a table");
  const json::value* name = v.as_object().if_contains("name");
  if (!name || !name->is_string()) return InvalidArgument("name is required", "name");
  const std::string id(name->as_string());
  QUELL_RETURN_IF_ERROR(model::CheckOnCallName(id, "name"));
  QUELL_RETURN_IF_ERROR(CheckUnique(seen, id));
  QUELL_ASSIGN_OR_RETURN(model::Silence silence, model::SilenceFromJson(v, now));
  silence.id = id;
  silence.created_by = "config";
  silence.created_at = 0;  // Silences::Define keeps the stored one
  // Regexes and the time zone, as the API would check them.
  if (auto compiled = engine::SilenceMatcher::Compile(silence); !compiled) return compiled.error();
  out.maintenance.push_back(std::move(silence));
  return Status::Ok();
}

template <typename T, typename Name>
std::vector<std::string> Names(const std::vector<T>& objects, Name name) {
  std::vector<std::string> names;
  for (const T& object : objects) names.push_back(name(object));
  return names;
}

}  // namespace

Result<ConfigObjects> ReadConfigObjects(const config::Config& config, TimeMs now) {
  ConfigObjects out;
  // Users first: schedules name them, wherever the tables stand in the file.
  std::set<std::string> users, schedules, maintenance;
  for (const char* table : {"oncall.users", "oncall.schedules", "maintenance"}) {
    for (const config::DefinedObject& entry : config.defined_objects) {
      if (entry.table != table) continue;
      Status status = [&]() -> Status {
        boost::system::error_code ec;
        const json::value v = json::parse(entry.json, ec);
        if (ec) return InvalidArgument("not readable: " + ec.message());
        if (entry.table == "oncall.users") return ReadUser(out, users, v);
        if (entry.table == "oncall.schedules") return ReadSchedule(out, schedules, v, users);
        return ReadMaintenance(out, maintenance, v, now);
      }();
      if (!status.ok()) return Error(AtEntry(entry, status));
    }
  }
  return out;
}

Status ApplyConfigObjects(const ConfigObjects& objects, engine::Engine& engine,
                          store::Store& store) {
  oncall::Directory& directory = engine.oncall();
  engine::Silences& silences = engine.silences();
  const std::vector<ConfigKind> kinds = {
      {store::kConfigUser, Names(objects.users, [](const auto& u) { return u.name; }),
       [&](size_t i) { return StatusOf(directory.PutUser(objects.users[i])); },
       [&](const std::string& name) { return directory.DeleteUser(name); }},
      {store::kConfigSchedule, Names(objects.schedules, [](const auto& s) { return s.name; }),
       [&](size_t i) { return StatusOf(directory.PutSchedule(objects.schedules[i])); },
       [&](const std::string& name) { return StatusOf(directory.DeleteSchedule(name)); }},
      {store::kConfigMaintenance, Names(objects.maintenance, [](const auto& m) { return m.id; }),
       [&](size_t i) { return StatusOf(silences.Define(objects.maintenance[i])); },
       [&](const std::string& id) { return silences.Delete(id); }},
  };
  return ApplyConfigKinds(store, kinds);
}

}  // namespace quell::app
