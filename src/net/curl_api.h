// The libcurl functions CurlHttpClient calls, loaded from libcurl at first use (SharedLibrary):
// `quell` is not linked with libcurl, so a subcommand that makes no HTTP call does not load it
// and the thirty-odd libraries it pulls in. curl_global_init runs once, right after loading.
#pragma once

#include <curl/curl.h>

#include "common/status.h"

namespace quell::net {

struct CurlApi {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
};

// The loaded functions; the same error on every call when libcurl or one of them is missing.
// Thread-safe; the first call should come before other threads start (curl_global_init).
const Result<CurlApi>& LoadCurl();

}  // namespace quell::net
