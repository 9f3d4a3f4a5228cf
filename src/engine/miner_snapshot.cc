// {"version":1,"cursor":[tx,id],"saved_at":T,"services":{"api":"<ServiceLogMiner state>",...},
//  "levels":{"api":{"<template id>":"error",...}},"error_lines":{"api":[[ts,"error","msg"],...]},
//  "not_mined":{"api":[[minute,lines],...]}}
// "levels", "error_lines" and "not_mined" are optional (units saved before them have none, and a
// binary that predates them ignores them): still version 1, so nodes of both binaries read each
// other's.
#include "engine/miner_snapshot.h"

#include <exception>
#include <string>

#include <boost/json.hpp>

namespace quell::engine {
namespace json = boost::json;

namespace {
constexpr int64_t kSnapshotVersion = 1;
}  // namespace

std::string EncodeMinerSnapshot(const MinerSnapshot& snapshot) {
  json::object services;
  for (const auto& [service, state] : snapshot.services) services[service] = state;
  json::object levels;
  for (const auto& [service, by_template] : snapshot.levels) {
    json::object of_service;
    for (const auto& [id, level] : by_template) of_service[std::to_string(id)] = level;
    levels[service] = std::move(of_service);
  }
  json::object error_lines;
  for (const auto& [service, lines] : snapshot.error_lines) {
    json::array of_service;
    for (const auto& l : lines) of_service.push_back(json::array{l.ts, l.level, l.message});
    error_lines[service] = std::move(of_service);
  }
  json::object not_mined;
  for (const auto& [service, minutes] : snapshot.not_mined) {
    json::array of_service;
    for (const auto& [minute, lines] : minutes) of_service.push_back(json::array{minute, lines});
    not_mined[service] = std::move(of_service);
  }
  return json::serialize(json::object{
      {"version", kSnapshotVersion},
      {"cursor", json::array{snapshot.cursor.tx, snapshot.cursor.id}},
      {"saved_at", snapshot.saved_at},
      {"services", std::move(services)},
      {"levels", std::move(levels)},
      {"error_lines", std::move(error_lines)},
      {"not_mined", std::move(not_mined)}});
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
    if (const json::value* levels = root.if_contains("levels"))
      for (const auto& [service, by_template] : levels->as_object())
        for (const auto& [id, level] : by_template.as_object())
          out.levels[std::string(service)][std::stoull(std::string(id))] =
              std::string(level.as_string());
    if (const json::value* lines = root.if_contains("error_lines"))
      for (const auto& [service, of_service] : lines->as_object())
        for (const auto& line : of_service.as_array()) {
          const json::array& l = line.as_array();
          out.error_lines[std::string(service)].push_back(
              {std::string(service), json::value_to<TimeMs>(l.at(0)),
               std::string(l.at(1).as_string()), std::string(l.at(2).as_string()), ""});
        }
    if (const json::value* counts = root.if_contains("not_mined"))
      for (const auto& [service, of_service] : counts->as_object())
        for (const auto& minute : of_service.as_array())
          out.not_mined[std::string(service)][json::value_to<TimeMs>(minute.as_array().at(0))] =
              json::value_to<uint64_t>(minute.as_array().at(1));
    return out;
  } catch (const std::exception& e) {
    // Not JSON, or wrong types or missing keys (Boost.JSON throws on parse, as_*, at, value_to;
    // std::stoull on a template id that is not a number).
    return Error(InvalidArgument(std::string("malformed log miner snapshot: ") + e.what()));
  }
}

}  // namespace quell::engine
