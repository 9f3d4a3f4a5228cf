#include "store/row_codec.h"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

namespace quell::store {

namespace json = boost::json;

namespace {

// These run several times per ingested alert, so encoding writes the text directly (one string,
// no DOM) and decoding parses into a stack buffer (no heap allocation for typical rows).

void AppendQuoted(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    } else {
      out.push_back(c);  // UTF-8 passes through unchanged
    }
  }
  out.push_back('"');
}

void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("null");  // JSON has no NaN; the decoder drops the entry
    return;
  }
  if (std::isinf(value)) {
    out.append(value > 0 ? "1e99999" : "-1e99999");  // parses back as +-infinity
    return;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);  // shortest round trip
  out.append(buffer, ec == std::errc() ? end : buffer);
}

// Calls `use` with the parsed value unless the text is not JSON.
template <typename Use>
void WithParsed(const std::string& text, Use use) {
  unsigned char buffer[4096];
  json::monotonic_resource resource(buffer, sizeof(buffer));
  json::parse_options options;
  // Stored text is whatever the sender sent; a stray invalid byte must not lose the whole map.
  options.allow_invalid_utf8 = true;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, &resource, options);
  if (!ec) use(v);
}

// Calls `visit(key, value)` for each member when the text is a JSON object.
template <typename Visit>
void ForEachMember(const std::string& text, Visit visit) {
  WithParsed(text, [&](const json::value& v) {
    if (v.is_object())
      for (const auto& [k, item] : v.get_object()) visit(std::string_view(k), item);
  });
}

}  // namespace

std::string EncodeStringMap(const model::Labels& map) {
  std::string out = "{";
  for (const auto& [k, v] : map) {
    if (out.size() > 1) out.push_back(',');
    AppendQuoted(out, k);
    out.push_back(':');
    AppendQuoted(out, v);
  }
  out.push_back('}');
  return out;
}

model::Labels DecodeStringMap(const std::string& text) {
  model::Labels out;
  ForEachMember(text, [&](std::string_view k, const json::value& item) {
    if (item.is_string()) out.emplace(k, std::string_view(item.get_string()));
  });
  return out;
}

std::string EncodeMetrics(const model::Metrics& metrics) {
  std::string out = "{";
  for (const auto& [k, v] : metrics) {
    if (out.size() > 1) out.push_back(',');
    AppendQuoted(out, k);
    out.push_back(':');
    AppendNumber(out, v);
  }
  out.push_back('}');
  return out;
}

model::Metrics DecodeMetrics(const std::string& text) {
  model::Metrics out;
  ForEachMember(text, [&](std::string_view k, const json::value& item) {
    if (item.is_number()) out.emplace(k, item.to_number<double>());
  });
  return out;
}

std::string EncodeList(const std::vector<std::string>& list) {
  std::string out = "[";
  for (const auto& s : list) {
    if (out.size() > 1) out.push_back(',');
    AppendQuoted(out, s);
  }
  out.push_back(']');
  return out;
}

std::vector<std::string> DecodeList(const std::string& text) {
  std::vector<std::string> out;
  WithParsed(text, [&](const json::value& v) {
    if (!v.is_array()) return;
    for (const auto& item : v.get_array())
      if (item.is_string()) out.emplace_back(item.get_string());
  });
  return out;
}

}  // namespace quell::store
