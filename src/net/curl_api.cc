#include "net/curl_api.h"

#include "common/shared_library.h"

namespace quell::net {
namespace {

// libcurl's ABI has kept this name since 2006 (the one `quell` was linked with before).
constexpr const char* kLibcurl = "libcurl.so.4";

Result<CurlApi> Load() {
  QUELL_ASSIGN_OR_RETURN(const SharedLibrary lib, SharedLibrary::Open(kLibcurl));
  CurlApi api{};
  decltype(&::curl_global_init) global_init = nullptr;
  for (const Status& s :
       {lib.Bind("curl_global_init", &global_init), lib.Bind("curl_easy_init", &api.easy_init),
        lib.Bind("curl_easy_setopt", &api.easy_setopt),
        lib.Bind("curl_easy_perform", &api.easy_perform),
        lib.Bind("curl_easy_getinfo", &api.easy_getinfo),
        lib.Bind("curl_easy_cleanup", &api.easy_cleanup),
        lib.Bind("curl_easy_strerror", &api.easy_strerror),
        lib.Bind("curl_slist_append", &api.slist_append),
        lib.Bind("curl_slist_free_all", &api.slist_free_all)}) {
    if (!s.ok()) return Error(s);
  }
  if (const CURLcode rc = global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    return Error(Unavailable("curl_global_init failed: " + std::string(api.easy_strerror(rc))));
  }
  return api;
}

}  // namespace

const Result<CurlApi>& LoadCurl() {
  static const Result<CurlApi> api = Load();  // thread-safe: C++ static initialisation
  return api;
}

}  // namespace quell::net
