#include "http/json_response.h"

#include <boost/json.hpp>

namespace quell::http {

namespace json = boost::json;

HttpResponse JsonResponse(int status, const json::value& body) {
  HttpResponse response;
  response.status = status;
  response.body = json::serialize(body);
  return response;
}

json::value ErrorBody(const Status& status) {
  json::object error{{"code", StatusCodeName(status.code())}, {"message", status.message()}};
  if (!status.field().empty()) error["field"] = status.field();
  return json::object{{"error", std::move(error)}};
}

HttpResponse ErrorResponse(int http_status, const Status& status) {
  return JsonResponse(http_status, ErrorBody(status));
}

HttpResponse ErrorResponse(const Status& status) {
  int http_status = 500;
  switch (status.code()) {
    case StatusCode::kOk: http_status = 200; break;
    case StatusCode::kInvalidArgument: http_status = 400; break;
    case StatusCode::kNotFound: http_status = 404; break;
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict: http_status = 409; break;
    case StatusCode::kUnauthenticated: http_status = 401; break;
    case StatusCode::kPermissionDenied: http_status = 403; break;
    case StatusCode::kResourceExhausted: http_status = 429; break;
    case StatusCode::kUnavailable:
    case StatusCode::kAborted: http_status = 503; break;
    case StatusCode::kInternal: http_status = 500; break;
  }
  HttpResponse response = ErrorResponse(http_status, status);
  // Transient (the database away, a conflict that outlasted the retries): say when to retry.
  if (http_status == 503) response.headers.emplace_back("Retry-After", "1");
  return response;
}

HttpResponse ItemErrorsResponse(const std::vector<Status>& errors, size_t total,
                                std::string_view what) {
  json::array items;
  for (const auto& e : errors) items.push_back(ErrorBody(e).at("error"));
  const Status& first = errors.front();
  json::object body =
      ErrorBody(InvalidArgument(std::to_string(errors.size()) + " of " + std::to_string(total) +
                                    " " + std::string(what) +
                                    " are invalid; none was accepted: " + first.message(),
                                first.field()))
          .as_object();
  body["errors"] = std::move(items);
  return JsonResponse(422, body);
}

}  // namespace quell::http
