#include "app/config_objects.h"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "app/config_kinds.h"
#include "engine/engine.h"
#include "engine/silence_matcher.h"
#include "model/escalation_json.h"
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

// A name the object refers to must be one the file defines (the file stands on its own).
Status CheckKnown(const std::set<std::string>& known, const std::string& name,
                  const std::string& field, const char* what, const char* table) {
  if (known.contains(name)) return Status::Ok();
  return InvalidArgument(field + ": no " + what + " " + name + " in [[" + table + "]]", field);
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
      QUELL_RETURN_IF_ERROR(CheckKnown(
          users, names[j], "layers[" + std::to_string(i) + "].users[" + std::to_string(j) + "]",
          "user", "oncall.users"));
    }
  }
  out.schedules.push_back(std::move(schedule));
  return Status::Ok();
}

// A step's schedule or user must be one of the file's.
Status ReadPolicy(ConfigObjects& out, std::set<std::string>& seen, const json::value& v,
                  const std::set<std::string>& users, const std::set<std::string>& schedules) {
  QUELL_ASSIGN_OR_RETURN(model::EscalationPolicy policy, model::EscalationPolicyFromJson(v));
  QUELL_RETURN_IF_ERROR(CheckUnique(seen, policy.name));
  for (size_t i = 0; i < policy.steps.size(); ++i) {
    const auto& notify = policy.steps[i].notify;
    for (size_t j = 0; j < notify.size(); ++j) {
      const std::string path =
          "steps[" + std::to_string(i) + "].notify[" + std::to_string(j) + "]";
      if (!notify[j].schedule.empty())
        QUELL_RETURN_IF_ERROR(CheckKnown(schedules, notify[j].schedule, path + ".schedule",
                                         "schedule", "oncall.schedules"));
      if (!notify[j].user.empty())
        QUELL_RETURN_IF_ERROR(
            CheckKnown(users, notify[j].user, path + ".user", "user", "oncall.users"));
    }
  }
  out.policies.push_back(std::move(policy));
  return Status::Ok();
}

// An error of the API's routes reader about "routes[i]..." (or "default") as one about the
// i-th entry (or the last, the default's), with the field as the entry has it.
std::pair<size_t, Status> RouteErrorAtEntry(const Status& error, size_t last) {
  const std::string& field = error.field();
  std::string prefix, renamed;
  size_t index = last;
  if (field.rfind("routes[", 0) == 0) {
    index = std::stoul(field.substr(7));
    prefix = field.substr(0, field.find(']') + 1);
  } else if (field == "default") {
    prefix = "default";
    renamed = "policy";
  } else {
    return {0, error};
  }
  auto strip = [&](const std::string& text) {
    std::string rest = text.substr(prefix.size());
    if (renamed.empty() && !rest.empty() && (rest[0] == '.' || rest[0] == ' ')) rest.erase(0, 1);
    return renamed + rest;
  };
  const std::string& message = error.message();
  return {index, InvalidArgument(message.rfind(prefix, 0) == 0 ? strip(message) : message,
                                 strip(field))};
}

// [[escalation.routes]], in order: each entry {matchers, policy} is routes[i] of the API's
// {"routes", "default"}; a last entry without matchers is the default (a catch-all, as
// Alertmanager's root route). Read as a whole with the API's reader; errors name the entry.
Status ReadRoutes(ConfigObjects& out, const std::vector<const config::DefinedObject*>& entries,
                  const std::set<std::string>& policies) {
  json::array routes;
  json::value fallback = nullptr;
  for (size_t i = 0; i < entries.size(); ++i) {
    boost::system::error_code ec;
    json::value v = json::parse(entries[i]->json, ec);
    if (ec) return AtEntry(*entries[i], InvalidArgument("not readable: " + ec.message()));
    if (v.is_object() && !v.as_object().contains("matchers")) {
      if (i + 1 != entries.size())
        return AtEntry(*entries[i],
                       InvalidArgument("matchers: only the last route may leave them out (it is "
                                       "then the default)",
                                       "matchers"));
      const json::value* policy = v.as_object().if_contains("policy");
      if (!policy) return AtEntry(*entries[i], InvalidArgument("policy is required", "policy"));
      fallback = *policy;
      continue;
    }
    routes.push_back(std::move(v));
  }
  auto read = model::EscalationRoutesFromJson(
      json::object{{"routes", std::move(routes)}, {"default", std::move(fallback)}});
  Status checked = StatusOf(read);
  for (size_t i = 0; checked.ok() && i < read->routes.size(); ++i) {
    const std::string path = "routes[" + std::to_string(i) + "]";
    checked = StatusOf(engine::CompiledMatchers::Compile(read->routes[i].matchers,
                                                         path + ".matchers"));
    if (checked.ok())
      checked = CheckKnown(policies, read->routes[i].policy, path + ".policy",
                           "escalation policy", "escalation.policies");
  }
  if (checked.ok() && !read->default_policy.empty())
    checked = CheckKnown(policies, read->default_policy, "default", "escalation policy",
                         "escalation.policies");
  if (!checked.ok()) {
    auto [index, error] = RouteErrorAtEntry(checked, entries.size() - 1);
    return AtEntry(*entries[index], error);
  }
  out.routes = std::move(*read);
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
  // In the order they name each other (schedules name users, policies name both, routes name
  // policies), wherever the tables stand in the file.
  std::set<std::string> users, schedules, policies, maintenance;
  for (const char* table : {"oncall.users", "oncall.schedules", "escalation.policies",
                            "escalation.routes", "maintenance"}) {
    std::vector<const config::DefinedObject*> entries;
    for (const config::DefinedObject& entry : config.defined_objects)
      if (entry.table == table) entries.push_back(&entry);
    if (std::string_view(table) == "escalation.routes") {
      if (entries.empty()) continue;
      if (Status status = ReadRoutes(out, entries, policies); !status.ok()) return Error(status);
      continue;
    }
    for (const config::DefinedObject* entry : entries) {
      Status status = [&]() -> Status {
        boost::system::error_code ec;
        const json::value v = json::parse(entry->json, ec);
        if (ec) return InvalidArgument("not readable: " + ec.message());
        if (entry->table == "oncall.users") return ReadUser(out, users, v);
        if (entry->table == "oncall.schedules") return ReadSchedule(out, schedules, v, users);
        if (entry->table == "escalation.policies")
          return ReadPolicy(out, policies, v, users, schedules);
        return ReadMaintenance(out, maintenance, v, now);
      }();
      if (!status.ok()) return Error(AtEntry(*entry, status));
    }
  }
  return out;
}

Status ApplyConfigObjects(const ConfigObjects& objects, engine::Engine& engine,
                          store::Store& store) {
  oncall::Directory& directory = engine.oncall();
  engine::Silences& silences = engine.silences();
  engine::EscalationPolicies& escalation = engine.escalation();
  const std::vector<ConfigKind> kinds = {
      {store::kConfigUser, Names(objects.users, [](const auto& u) { return u.name; }),
       [&](size_t i) { return StatusOf(directory.PutUser(objects.users[i])); },
       [&](const std::string& name) { return directory.DeleteUser(name); }},
      {store::kConfigSchedule, Names(objects.schedules, [](const auto& s) { return s.name; }),
       [&](size_t i) { return StatusOf(directory.PutSchedule(objects.schedules[i])); },
       [&](const std::string& name) { return StatusOf(directory.DeleteSchedule(name)); }},
      {store::kConfigPolicy, Names(objects.policies, [](const auto& p) { return p.name; }),
       [&](size_t i) { return StatusOf(escalation.Put(objects.policies[i])); },
       [&](const std::string& name) { return StatusOf(escalation.Delete(name)); }},
      // The routes are one object; the record holds kConfigRoutesName while the file has any.
      {store::kConfigRoutes,
       objects.routes ? std::vector<std::string>{std::string(store::kConfigRoutesName)}
                      : std::vector<std::string>{},
       [&](size_t) { return escalation.PutRoutes(*objects.routes); },
       [&](const std::string&) { return escalation.DeleteRoutes(); }},
      {store::kConfigMaintenance, Names(objects.maintenance, [](const auto& m) { return m.id; }),
       [&](size_t i) { return StatusOf(silences.Define(objects.maintenance[i])); },
       [&](const std::string& id) { return silences.Delete(id); }},
  };
  return ApplyConfigKinds(store, kinds);
}

}  // namespace quell::app
