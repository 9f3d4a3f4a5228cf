// Shared JSON request-body parsing for the ingest adapters: size, depth and UTF-8 checks with
// errors that name what is wrong. Internal to the ingest layer (exposes Boost.JSON types, so only
// ingest .cc files include it).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "common/clock.h"
#include "common/status.h"
#include "model/alert.h"

namespace quell::ingest {

inline constexpr int kMaxJsonDepth = 32;

// Parses a whole body. Empty, malformed, too deep or invalid UTF-8 input, or a number too large
// for a double (it would parse as infinity), is InvalidArgument.
Result<boost::json::value> ParseJsonBody(std::string_view body);

// Field readers: each returns InvalidArgument naming `path` when the type is wrong.
Result<std::string> ReadString(const boost::json::value& v, const std::string& path,
                               size_t max_len = 4096);
// A string or a number, as text (deploy ids are sent both ways).
Result<std::string> ReadStringOrNumber(const boost::json::value& v, const std::string& path);
Result<model::Labels> ReadStringMap(const boost::json::value& v, const std::string& path);
Result<double> ReadNumber(const boost::json::value& v, const std::string& path);
// RFC 3339 string, or epoch seconds / milliseconds as a number.
Result<TimeMs> ReadTimestamp(const boost::json::value& v, const std::string& path);

}  // namespace quell::ingest
