// The bindings of option_table.h: parse an option's text into its field, show the field again.
#include <charconv>
#include <sstream>

#include "common/time_format.h"
#include "config/option_table.h"

namespace quell::config {
namespace {

Result<bool> ParseBool(std::string_view text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return Error(InvalidArgument("'" + std::string(text) + "' is not a boolean (true/false)"));
}

// "a, b or c": the choices an error lists.
std::string JoinChoices(const std::vector<std::string>& choices) {
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += choices[i];
  }
  return out;
}

template <typename T>
std::string JoinComma(const std::vector<T>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    if constexpr (std::is_same_v<T, std::string>)
      out += item;
    else
      out += std::to_string(item);
  }
  return out;
}

}  // namespace

Result<int64_t> ParseInt(std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size())
    return Error(InvalidArgument("'" + std::string(text) + "' is not an integer"));
  if (value < min || value > max)
    return Error(
        InvalidArgument("must be between " + std::to_string(min) + " and " + std::to_string(max)));
  return value;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in{std::string(text)};
  while (std::getline(in, item, ',')) {
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

Binding Text(std::string Config::*field) {
  return {[=](Config& c, const std::string& v) {
            c.*field = v;
            return Status::Ok();
          },
          [=](const Config& c) { return c.*field; }};
}

Binding OneOf(std::string Config::*field, std::vector<std::string> choices) {
  return {[=](Config& c, const std::string& v) -> Status {
            for (const auto& choice : choices)
              if (v == choice) {
                c.*field = v;
                return Status::Ok();
              }
            return InvalidArgument("'" + v + "' is not " + JoinChoices(choices));
          },
          [=](const Config& c) { return c.*field; }};
}

Binding HostPort(std::string Config::*field) {
  return {[=](Config& c, const std::string& v) -> Status {
            size_t colon = v.rfind(':');
            if (colon == std::string::npos || colon == 0)
              return InvalidArgument("'" + v + "' is not HOST:PORT");
            auto port = ParseInt(v.substr(colon + 1), 0, 65535);
            if (!port) return port.error();
            c.*field = v;
            return Status::Ok();
          },
          [=](const Config& c) { return c.*field; }};
}

Binding Flag(bool Config::*field) {
  return {[=](Config& c, const std::string& v) -> Status {
            QUELL_ASSIGN_OR_RETURN(c.*field, ParseBool(v));
            return Status::Ok();
          },
          [=](const Config& c) { return std::string(c.*field ? "true" : "false"); }};
}

Binding Duration(TimeMs Config::*field, TimeMs min) {
  return {[=](Config& c, const std::string& v) -> Status {
            QUELL_ASSIGN_OR_RETURN(TimeMs d, ParseDuration(v));
            if (d < min) return InvalidArgument("must be at least " + FormatDuration(min));
            c.*field = d;
            return Status::Ok();
          },
          [=](const Config& c) { return FormatDuration(c.*field); }};
}

Binding Names(std::vector<std::string> Config::*field) {
  return {[=](Config& c, const std::string& v) -> Status {
            auto names = SplitList(v);
            if (names.empty()) return InvalidArgument("needs at least one field");
            c.*field = std::move(names);
            return Status::Ok();
          },
          [=](const Config& c) { return JoinComma(c.*field); }};
}

Binding Ids(std::vector<int64_t> Config::*field) {
  return {[=](Config& c, const std::string& v) -> Status {
            std::vector<int64_t> ids;
            for (const auto& item : SplitList(v)) {
              QUELL_ASSIGN_OR_RETURN(int64_t id, ParseInt(item, INT64_MIN + 1, INT64_MAX));
              ids.push_back(id);
            }
            c.*field = std::move(ids);
            return Status::Ok();
          },
          [=](const Config& c) { return JoinComma(c.*field); }};
}

Binding Dependencies(std::map<std::string, std::set<std::string>> Config::*field) {
  return {[=](Config& c, const std::string& v) -> Status {
            std::map<std::string, std::set<std::string>> deps;
            std::string entry;
            std::istringstream in(v);
            while (std::getline(in, entry, ';')) {
              size_t colon = entry.find(':');
              if (colon == std::string::npos || colon == 0)
                return InvalidArgument("'" + entry + "' is not SERVICE:DEP1,DEP2");
              auto names = SplitList(entry.substr(colon + 1));
              deps[entry.substr(0, colon)].insert(names.begin(), names.end());
            }
            c.*field = std::move(deps);
            return Status::Ok();
          },
          [=](const Config& c) {
            std::string out;
            for (const auto& [service, deps] : c.*field) {
              if (!out.empty()) out += ';';
              out += service + ":" + JoinComma(std::vector<std::string>(deps.begin(), deps.end()));
            }
            return out;
          }};
}

}  // namespace quell::config
