#include <curl/curl.h>

#include <mutex>

#include "net/http_client.h"

namespace quell::net {
namespace {

// Starts the message of a failure before any of the request was sent (NotSent).
constexpr std::string_view kNotSent = "HTTP request not sent: ";

// Failures that happen before a connection exists: the server cannot have seen the request.
bool BeforeConnecting(CURLcode rc) {
  return rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_COULDNT_RESOLVE_HOST ||
         rc == CURLE_COULDNT_CONNECT;
}

struct CallState {
  const HttpClientRequest* request;
  std::string body;
  bool aborted = false;
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<CallState*>(user);
  const size_t n = size * count;
  if (state->request->on_data) {
    if (!state->request->on_data(std::string_view(data, n))) {
      state->aborted = true;
      return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
  } else {
    state->body.append(data, n);
  }
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel->load() ? 1 : 0;  // non-zero aborts with CURLE_ABORTED_BY_CALLBACK
}

class CurlHttpClient final : public HttpClient {
 public:
  Result<HttpClientResponse> Send(const HttpClientRequest& request) override {
    CURL* curl = curl_easy_init();
    if (!curl) return Error(Internal("curl_easy_init failed"));
    CallState state{&request, {}, false};
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers)
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "POST" || !request.body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnWrite);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
    if (request.cancel) {
      curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
      curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(request.cancel));
    }
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && state.aborted)) {
      // curl_easy_strerror names the failure without the URL.
      return Error(Unavailable(std::string(BeforeConnecting(rc) ? kNotSent : "HTTP request failed: ") +
                               curl_easy_strerror(rc)));
    }
    return HttpClientResponse{static_cast<int>(status), std::move(state.body)};
  }
};

}  // namespace

bool NotSent(const Status& status) {
  return status.code() == StatusCode::kUnavailable && status.message().starts_with(kNotSent);
}

void InitHttpClients() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::unique_ptr<HttpClient> NewCurlHttpClient() {
  InitHttpClients();
  return std::make_unique<CurlHttpClient>();
}

}  // namespace quell::net
