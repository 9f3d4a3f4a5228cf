#include <curl/curl.h>

#include "net/curl_api.h"
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
    const Result<CurlApi>& loaded = LoadCurl();
    // Without libcurl nothing was sent: NotSent, so that a caller may put its claim back.
    if (!loaded) return Error(Unavailable(std::string(kNotSent) + loaded.error().message()));
    const CurlApi& api = *loaded;
    CURL* curl = api.easy_init();
    if (!curl) return Error(Internal("curl_easy_init failed"));
    CallState state{&request, {}, false};
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers)
      headers = api.slist_append(headers, (name + ": " + value).c_str());
    api.easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    api.easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "POST" || !request.body.empty()) {
      api.easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      api.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                      static_cast<curl_off_t>(request.body.size()));
    }
    api.easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    api.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
    api.easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_ms);
    api.easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnWrite);
    api.easy_setopt(curl, CURLOPT_WRITEDATA, &state);
    if (request.cancel) {
      api.easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
      api.easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
      api.easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(request.cancel));
    }
    CURLcode rc = api.easy_perform(curl);
    long status = 0;
    api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    api.slist_free_all(headers);
    api.easy_cleanup(curl);
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && state.aborted)) {
      // curl_easy_strerror names the failure without the URL.
      return Error(
          Unavailable(std::string(BeforeConnecting(rc) ? kNotSent : "HTTP request failed: ") +
                      api.easy_strerror(rc)));
    }
    return HttpClientResponse{static_cast<int>(status), std::move(state.body)};
  }
};

}  // namespace

bool NotSent(const Status& status) {
  return status.code() == StatusCode::kUnavailable && status.message().starts_with(kNotSent);
}

void InitHttpClients() {
  (void)LoadCurl();  // a failure is reported by each Send
}

std::unique_ptr<HttpClient> NewCurlHttpClient() {
  InitHttpClients();
  return std::make_unique<CurlHttpClient>();
}

}  // namespace quell::net
