// LoadConfig: defaults < TOML file < QUELL_* environment < command line, every value through
// the option table (option_table.h), recording where each came from.
#include "config/config.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include <toml++/toml.h>

#include "config/option_table.h"

extern char** environ;

namespace quell::config {
namespace {

// Sets option `name` from `value` and records that it came from `origin`.
Status Apply(ResolvedConfig& out, const std::string& name, const std::string& value,
             const ValueOrigin& origin) {
  const std::string& where = origin.where;
  const Option* option = FindOption(name);
  if (!option) return InvalidArgument(where + ": unknown option '" + name + "'", name);
  Status status = option->binding.set(out.config, value);
  if (!status.ok()) return InvalidArgument(where + ": " + name + ": " + status.message(), name);
  out.origins[name] = origin;
  return Status::Ok();
}

ValueOrigin InFile(const std::string& file, const toml::node& node) {
  return {ValueSource::kFile, file + ":" + std::to_string(node.source().begin.line)};
}

// TOML scalars and arrays become the same text the environment would carry.
Result<std::string> TomlToText(const toml::node& node) {
  if (auto s = node.as_string()) return std::string(s->get());
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto b = node.as_boolean()) return std::string(b->get() ? "true" : "false");
  if (auto f = node.as_floating_point()) return std::to_string(f->get());
  if (auto a = node.as_array()) {
    std::string out;
    for (const auto& item : *a) {
      QUELL_ASSIGN_OR_RETURN(std::string text, TomlToText(item));
      if (!out.empty()) out += ',';
      out += text;
    }
    return out;
  }
  return Error(InvalidArgument("unsupported value type"));
}

// [topology]: `svc = ["dep", ...]` or `[topology.svc] depends_on = ["dep", ...]`.
Status ApplyTopologyTable(ResolvedConfig& out, const toml::table& table, const std::string& file) {
  Config& config = out.config;
  for (const auto& [key, node] : table) {
    std::string service(key.str());
    std::string where = InFile(file, node).where;
    const toml::node* deps = &node;
    if (const auto* sub = node.as_table()) {
      deps = sub->get("depends_on");
      if (!deps)
        return InvalidArgument(where + ": topology." + service + " needs depends_on", "topology");
    }
    const auto* array = deps->as_array();
    if (!array)
      return InvalidArgument(where + ": topology." + service + " must be an array of services",
                             "topology");
    auto& set = config.topology[service];
    for (const auto& item : *array) {
      const auto* name = item.as_string();
      if (!name)
        return InvalidArgument(where + ": topology." + service + " must list service names",
                               "topology");
      set.insert(std::string(name->get()));
    }
  }
  out.origins["topology"] = InFile(file, table);
  return Status::Ok();
}

// [[oncall.users]] and the other object tables: each entry kept as JSON, with its line.
Status ApplyObjectTable(ResolvedConfig& out, const std::string& name, const toml::node& node,
                        const std::string& file) {
  const auto* array = node.as_array();
  if (!array || !array->is_array_of_tables())
    return InvalidArgument(InFile(file, node).where + ": " + name +
                               " must be an array of tables ([[" + name + "]] entries)",
                           name);
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = *array->get(i);
    std::ostringstream json;
    json << toml::json_formatter{*item.as_table()};
    out.config.defined_objects.push_back({name, i, InFile(file, item).where, json.str()});
  }
  return Status::Ok();
}

Status ApplyTable(ResolvedConfig& out, const toml::table& table, const std::string& prefix,
                  const std::string& file) {
  for (const auto& [key, node] : table) {
    std::string name =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    ValueOrigin origin = InFile(file, node);
    const auto& objects = ObjectTables();
    if (std::find(objects.begin(), objects.end(), name) != objects.end()) {
      QUELL_RETURN_IF_ERROR(ApplyObjectTable(out, name, node, file));
      continue;
    }
    if (name == "topology" && node.is_table()) {
      QUELL_RETURN_IF_ERROR(ApplyTopologyTable(out, *node.as_table(), file));
      continue;
    }
    if (const auto* sub = node.as_table()) {
      QUELL_RETURN_IF_ERROR(ApplyTable(out, *sub, name, file));
      continue;
    }
    auto text = TomlToText(node);
    if (!text)
      return InvalidArgument(origin.where + ": " + name + ": " + text.error().message(), name);
    QUELL_RETURN_IF_ERROR(Apply(out, name, *text, origin));
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& ObjectTables() {
  static const std::vector<std::string> tables = {
      "oncall.users", "oncall.schedules", "escalation.policies", "escalation.routes",
      "maintenance"};
  return tables;
}

const char* ValueSourceName(ValueSource source) {
  switch (source) {
    case ValueSource::kDefault:
      return "default";
    case ValueSource::kFile:
      return "file";
    case ValueSource::kEnvironment:
      return "env";
    case ValueSource::kCommandLine:
      return "flag";
  }
  return "?";
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    if (entry.substr(0, 6) != "QUELL_") continue;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

Result<ResolvedConfig> ResolveConfig(const ConfigSources& sources) {
  ResolvedConfig out;  // out.config: the table's defaults
  if (!sources.file.empty()) {
    toml::table table;
    try {  // toml++ reports parse errors by exception; they end here.
      table = toml::parse_file(sources.file);
    } catch (const toml::parse_error& err) {
      return Error(InvalidArgument(sources.file + ":" + std::to_string(err.source().begin.line) +
                                       ": " + std::string(err.description()),
                                   "config"));
    }
    QUELL_RETURN_IF_ERROR(ApplyTable(out, table, "", sources.file));
  }
  for (const auto& option : Options()) {
    auto it = sources.env.find(option.key.env);
    if (it != sources.env.end())
      QUELL_RETURN_IF_ERROR(
          Apply(out, option.key.name, it->second, {ValueSource::kEnvironment, option.key.env}));
  }
  for (const auto& [name, value] : sources.overrides)
    QUELL_RETURN_IF_ERROR(Apply(out, name, value, {ValueSource::kCommandLine, "command line"}));
  return out;
}

Result<Config> LoadConfig(const ConfigSources& sources) {
  QUELL_ASSIGN_OR_RETURN(ResolvedConfig resolved, ResolveConfig(sources));
  return std::move(resolved.config);
}

}  // namespace quell::config
