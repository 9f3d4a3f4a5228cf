// `quell demo` / `quell serve --demo`: loads a realistic scenario into a running server through
// its public HTTP API (the same paths as real senders): a deploy of api-gateway, then Redis
// timeouts in api-gateway, Redis refusing clients and checkout failing with a Python traceback,
// the services' logs with a Java stack trace, and an earlier, resolved look-alike incident.
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace quell::net {
class HttpClient;
}  // namespace quell::net

namespace quell::app {

// Sends the scenario to `base_url` ("http://127.0.0.1:8080") with an admin token, timed
// relative to `now`. Returns the id of the demo's main incident.
Result<int64_t> LoadDemoScenario(net::HttpClient& client, const std::string& base_url,
                                 const std::string& admin_token, TimeMs now);

}  // namespace quell::app
