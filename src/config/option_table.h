// The option table behind ConfigKeys(): every option once, with the binding that reads its text
// into its Config field and shows the field as text again. Internal to src/config: options.cc
// holds the table, bindings.cc the bindings, load_config.cc and describe.cc use them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace quell::config {

// How one option's text reaches its Config field (`set`; the error names no key: the caller
// does), and the field as text again (`get`; `set` of that text gives the same value back).
struct Binding {
  std::function<Status(Config&, const std::string&)> set;
  std::function<std::string(const Config&)> get;
};

struct Option {
  ConfigKey key;
  Binding binding;
};

// Every option, in --help order.
const std::vector<Option>& Options();
// The option with TOML key `name`, or null.
const Option* FindOption(std::string_view name);

// An integer within [min, max]: "'x' is not an integer", "must be between min and max".
Result<int64_t> ParseInt(std::string_view text, int64_t min, int64_t max);
// Items of a comma-separated list, trimmed; empty items dropped.
std::vector<std::string> SplitList(std::string_view text);

// Bindings, one per kind of value.
Binding Text(std::string Config::*field);
// One of `choices`: "'x' is not a, b or c".
Binding OneOf(std::string Config::*field, std::vector<std::string> choices);
// HOST:PORT with a port number.
Binding HostPort(std::string Config::*field);
// true/1/yes/on or false/0/no/off; shown as true or false.
Binding Flag(bool Config::*field);
// A duration (common/time_format.h) of at least `min`.
Binding Duration(TimeMs Config::*field, TimeMs min = 0);
// A comma-separated list of at least one name (a TOML array arrives as such a list).
Binding Names(std::vector<std::string> Config::*field);
// A comma-separated list of ids (Telegram chat and user ids may be negative and > 32 bit).
Binding Ids(std::vector<int64_t> Config::*field);
// Service dependencies, "api:redis,postgres;checkout:api" (TOML: the [topology] table).
Binding Dependencies(std::map<std::string, std::set<std::string>> Config::*field);

template <typename T>
Binding Integer(T Config::*field, int64_t min, int64_t max) {
  return {[=](Config& c, const std::string& v) -> Status {
            QUELL_ASSIGN_OR_RETURN(int64_t n, ParseInt(v, min, max));
            c.*field = static_cast<T>(n);
            return Status::Ok();
          },
          [=](const Config& c) { return std::to_string(c.*field); }};
}

}  // namespace quell::config
