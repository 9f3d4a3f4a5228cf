// Building JSON responses and the uniform error body
//   {"error": {"code": "...", "message": "...", "field": "..."}}
// Internal to the http layer (exposes Boost.JSON types).
#pragma once

#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "common/status.h"
#include "http/server.h"

namespace quell::http {

HttpResponse JsonResponse(int status, const boost::json::value& body);
// Maps the Status code to an HTTP status (InvalidArgument 400, NotFound 404, Conflict 409,
// Unauthenticated 401, PermissionDenied 403, ResourceExhausted 429, Unavailable and Aborted 503
// with Retry-After: 1, else 500).
HttpResponse ErrorResponse(const Status& status);
// Same body with an explicit HTTP status (e.g. 415, 422).
HttpResponse ErrorResponse(int http_status, const Status& status);
boost::json::value ErrorBody(const Status& status);
// 422 for an all-or-nothing batch with invalid items: the first error in "error" and every one
// in "errors". `what` names the items ("alerts", "deploys").
HttpResponse ItemErrorsResponse(const std::vector<Status>& errors, size_t total,
                                std::string_view what);

}  // namespace quell::http
