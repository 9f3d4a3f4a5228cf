// Reading Quell's state back through its paged API (incidents, an incident's alerts) for the
// benchmarks' checks after a run. Header-only; needs Boost.JSON. Not thread-safe (one
// LoadClient).
#pragma once

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "load_client.h"

namespace quell::bench {

// Every item of a paged list: GETs `path` (which carries its query, e.g. "?limit=500"), then
// "&cursor=" + next_cursor until there is none, appending the objects under `key` to `items`.
// False when a page is not answered 200 (`items` then holds the pages read so far).
inline bool ReadAllPages(LoadClient& client, const std::string& path, const std::string& key,
                         const std::string& auth, std::vector<boost::json::object>* items) {
  std::string cursor;
  for (;;) {
    if (client.Send(LoadClient::Get(path + (cursor.empty() ? "" : "&cursor=" + cursor), auth)) !=
        200)
      return false;
    boost::system::error_code ec;
    boost::json::value page = boost::json::parse(client.last_body(), ec);
    if (ec || !page.is_object()) return false;
    for (const auto& item : page.at(key).as_array()) items->push_back(item.as_object());
    const auto& next = page.at("next_cursor");
    if (!next.is_string()) return true;
    cursor = std::string(next.as_string());
  }
}

}  // namespace quell::bench
