// Shared by the routes that store named objects from a JSON body (users, schedules, escalation
// policies and routes): read the body, answer its errors, answer a store. Internal to the http
// layer; include only from .cc files (Boost.JSON).
#pragma once

#include <string>
#include <utility>

#include <boost/json.hpp>

#include "http/json_response.h"
#include "http/routes.h"
#include "ingest/json_body.h"
#include "store/config_defined.h"

namespace quell::http {

// The request's JSON body read by `from_json`, or the answer to give instead.
template <typename FromJson>
auto ReadBody(const HttpRequest& request, FromJson from_json)
    -> decltype(from_json(std::declval<const boost::json::value&>())) {
  if (Status s = RequireJson(request); !s.ok()) return Error(s);
  QUELL_ASSIGN_OR_RETURN(boost::json::value root, ingest::ParseJsonBody(request.body));
  return from_json(root);
}

// 415 for a body that is not JSON, else the status's own.
inline HttpResponse BodyError(const Status& status) {
  return status.field() == "content-type" ? ErrorResponse(415, status) : ErrorResponse(status);
}

// The object's JSON with its "source": "config" for one of the config file
// (store/config_defined.h), else "api". What the API writes or deletes is never config-defined:
// it refuses those (store::RefuseConfigDefined).
inline boost::json::value WithSource(boost::json::value body, bool config_defined = false) {
  body.as_object()["source"] = store::SourceName(config_defined);
  return body;
}

// 201 with Location for a new object, 200 for a replaced one.
inline HttpResponse Stored(bool created, const boost::json::value& body,
                           const std::string& location) {
  HttpResponse response = JsonResponse(created ? 201 : 200, body);
  if (created) response.headers.emplace_back("Location", location);
  return response;
}

}  // namespace quell::http
