// HttpClient: outbound HTTP for Ollama, Telegram and webhooks. CurlHttpClient is the real one
// (libcurl lives only in net/); tests use fake servers on loopback. Errors as values: a failed
// connection or a timeout is Unavailable; any HTTP answer, even 500, is a response. Messages
// never contain the URL (it may carry a token). Thread-safe (one curl handle per call).
// A failure before the request could have reached the server (no such host, connection
// refused) is one NotSent tells apart: a caller whose call is not idempotent knows the server
// did nothing, where a timeout or a dropped connection leaves the outcome unknown.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace quell::net {

struct HttpClientRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long connect_timeout_ms = 5000;
  long timeout_ms = 60000;  // whole request
  // Called with each piece of the body as it arrives (streaming); return false to stop. When
  // set, the response body is not accumulated.
  std::function<bool(std::string_view)> on_data;
  // When set and it becomes true, the request stops soon (within ~100 ms) with Unavailable:
  // lets a long poll end at shutdown.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpClientResponse {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpClientResponse> Send(const HttpClientRequest& request) = 0;
};

// Whether `status` (from Send) is a failure before any of the request was sent.
bool NotSent(const Status& status);

// Loads libcurl and runs curl_global_init: call before threads start; harmless to call again.
// A failure to load is reported by every Send (NotSent).
void InitHttpClients();
std::unique_ptr<HttpClient> NewCurlHttpClient();

}  // namespace quell::net
