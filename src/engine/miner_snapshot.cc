// {"version":1,"cursor":[tx,id],"saved_at":T,"services":{"api":"<ServiceLogMiner state>",...}}
#include "engine/miner_snapshot.h"

#include <exception>

#include <boost/json.hpp>

namespace quell::engine {
namespace json = boost::json;

namespace {
constexpr int64_t kSnapshotVersion = 1;
}  // namespace

std::string EncodeMinerSnapshot(const MinerSnapshot& snapshot) {
  json::object services;
  for (const auto& [service, state] : snapshot.services) services[service] = state;
  return json::serialize(json::object{
      {"version", kSnapshotVersion},
      {"cursor", json::array{snapshot.cursor.tx, snapshot.cursor.id}},
      {"saved_at", snapshot.saved_at},
      {"services", std::move(services)}});
}

Result<MinerSnapshot> DecodeMinerSnapshot(std::string_view text) {
  // Miner states hold lines byte for byte (miner_state.cc), so invalid UTF-8 is read back too.
  json::parse_options options;
  options.allow_invalid_utf8 = true;
  try {
    const json::value doc = json::parse(json::string_view(text.data(), text.size()), {}, options);
    const json::object& root = doc.as_object();
    if (json::value_to<int64_t>(root.at("version")) != kSnapshotVersion)
      return Error(InvalidArgument("unsupported log miner snapshot version"));
    MinerSnapshot out;
    const json::array& cursor = root.at("cursor").as_array();
    out.cursor = {json::value_to<int64_t>(cursor.at(0)), json::value_to<int64_t>(cursor.at(1))};
    // Cursors are never negative (ids and xid8s count up from 1); a unit with one is broken, not
    // a place to read on from.
    if (out.cursor.tx < 0 || out.cursor.id < 0)
      return Error(InvalidArgument("malformed log miner snapshot: negative cursor"));
    out.saved_at = json::value_to<TimeMs>(root.at("saved_at"));
    for (const auto& [service, state] : root.at("services").as_object())
      out.services.emplace(std::string(service), std::string(state.as_string()));
    return out;
  } catch (const std::exception& e) {
    // Not JSON, or wrong types or missing keys (Boost.JSON throws on parse, as_*, at, value_to).
    return Error(InvalidArgument(std::string("malformed log miner snapshot: ") + e.what()));
  }
}

}  // namespace quell::engine
