#include "config/describe.h"

#include <algorithm>

#include "config/option_table.h"

namespace quell::config {
namespace {

// A cell of a Markdown table: a '|' would end the cell.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string PadRight(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

// What `config show` prints for an option's value: secrets masked, empty as "".
std::string Shown(const Option& option, const Config& config) {
  std::string value = option.binding.get(config);
  if (value.empty()) return "\"\"";
  return option.key.secret ? kMasked : value;
}

std::string OriginText(const ValueOrigin& origin) {
  std::string out = ValueSourceName(origin.source);
  // The line of the file and the variable's name say more; "command line" says nothing new.
  if (origin.source == ValueSource::kFile || origin.source == ValueSource::kEnvironment)
    out += " " + origin.where;
  return out;
}

}  // namespace

std::string OptionsHelp() {
  std::string out =
      "\nEvery option can be set in the TOML file (--config), by environment variable, or with\n"
      "--set KEY=VALUE; later sources win: defaults < file < environment < command line.\n"
      "Dotted keys are TOML tables: grouping.window = \"30m\" is [grouping] window = \"30m\".\n"
      "`quell config show` prints the values in effect and where each came from.\n\n";
  for (const auto& key : ConfigKeys()) {
    out += "  " + key.name + " (" + key.env +
           ", default: " + (key.default_value.empty() ? "none" : key.default_value) + ")\n      " +
           key.help + "\n";
  }
  return out;
}

std::string OptionsMarkdownTable() {
  std::string out = "| key (TOML) | environment | default | what |\n|---|---|---|---|\n";
  for (const auto& key : ConfigKeys()) {
    std::string def = key.default_value.empty() ? "—" : "`" + Cell(key.default_value) + "`";
    out += "| `" + key.name + "` | `" + key.env + "` | " + def + " | " + Cell(key.help) + " |\n";
  }
  return out;
}

std::string EffectiveConfigText(const ResolvedConfig& resolved) {
  size_t key_width = 0, value_width = 0;
  for (const auto& option : Options()) {
    key_width = std::max(key_width, option.key.name.size());
    value_width = std::max(value_width, Shown(option, resolved.config).size());
  }
  value_width = std::min<size_t>(value_width, 32);  // a long list must not push every line out
  std::string out;
  for (const auto& option : Options()) {
    auto it = resolved.origins.find(option.key.name);
    ValueOrigin origin = it == resolved.origins.end() ? ValueOrigin{} : it->second;
    out += PadRight(option.key.name, key_width) + "  " +
           PadRight(Shown(option, resolved.config), value_width) + "  " + OriginText(origin) + "\n";
  }
  return out;
}

}  // namespace quell::config
