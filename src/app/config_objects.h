// Users, schedules, escalation policies and routes, and maintenance windows written in the
// config file ([[oncall.users]], [[oncall.schedules]], [[escalation.policies]],
// [[escalation.routes]], [[maintenance]]): read from config::Config::defined_objects with the
// API's own JSON readers (the fields are the API's), checked as a whole before anything is
// stored, and applied when Quell starts through app/config_kinds.h.
#pragma once

#include <optional>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"
#include "model/escalation.h"
#include "model/oncall.h"
#include "model/silence.h"

namespace quell::engine {
class Engine;
}  // namespace quell::engine
namespace quell::store {
class Store;
}  // namespace quell::store

namespace quell::app {

struct ConfigObjects {
  std::vector<model::User> users;
  std::vector<model::Schedule> schedules;
  std::vector<model::EscalationPolicy> policies;
  std::optional<model::EscalationRoutes> routes;  // nullopt: the file has no [[escalation.routes]]
  std::vector<model::Silence> maintenance;  // id: the entry's name; created_by "config"
};

// Every entry read and checked: the shape (as the API checks it), names given once, time zones
// the system knows, regexes that compile, schedules naming only users of [[oncall.users]],
// policies naming only the file's users and schedules, routes naming only its policies (so the
// file stands on its own). A last [[escalation.routes]] entry without matchers is the default. InvalidArgument naming the file and line, the table and the
// field: "quell.toml:12: oncall.schedules[0].layers[0].users[1]: no user bob in
// [[oncall.users]]" (field "oncall.schedules[0].layers[0].users[1]").
Result<ConfigObjects> ReadConfigObjects(const config::Config& config, TimeMs now);

// Stores them (replacing earlier versions), removes the config-defined ones the file no longer
// has, and records which are config-defined. API-created objects of other names are untouched.
Status ApplyConfigObjects(const ConfigObjects& objects, engine::Engine& engine,
                          store::Store& store);

}  // namespace quell::app
