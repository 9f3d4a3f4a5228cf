#include "app/demo.h"

#include <boost/json.hpp>

#include "common/time_format.h"
#include "net/http_client.h"

namespace quell::app {
namespace {

namespace json = boost::json;

class DemoSender {
 public:
  DemoSender(net::HttpClient& client, std::string base_url, std::string token)
      : client_(client), base_url_(std::move(base_url)), token_(std::move(token)) {}

  // Sends one request and returns the parsed answer; any non-2xx is an error naming the path.
  Result<json::value> Send(const std::string& method, const std::string& path,
                           const json::value& body) {
    net::HttpClientRequest request;
    request.method = method;
    request.url = base_url_ + path;
    request.headers = {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}};
    request.body = json::serialize(body);
    request.timeout_ms = 30000;
    QUELL_ASSIGN_OR_RETURN(auto response, client_.Send(request));
    if (response.status < 200 || response.status >= 300)
      return Error(Internal("demo: " + method + " " + path + " answered " +
                            std::to_string(response.status) + ": " + response.body));
    boost::system::error_code ec;
    json::value parsed = json::parse(response.body, ec);
    return ec ? json::value(nullptr) : parsed;
  }

  // Same, when only success matters.
  Status Do(const std::string& method, const std::string& path, const json::value& body) {
    auto answer = Send(method, path, body);
    return answer ? Status::Ok() : answer.error();
  }

 private:
  net::HttpClient& client_;
  std::string base_url_;
  std::string token_;
};

json::array LogLines(std::initializer_list<std::pair<TimeMs, std::string>> lines) {
  json::array out;
  for (const auto& [at, text] : lines) out.emplace_back(FormatRfc3339(at) + " " + text);
  return out;
}

constexpr const char* kJavaTrace =
    "ERROR Request failed: POST /api/cart/checkout\n"
    "io.lettuce.core.RedisCommandTimeoutException: Command timed out after 2 second(s)\n"
    "\tat "
    "io.lettuce.core.internal.ExceptionFactory.createTimeoutException(ExceptionFactory.java:59)\n"
    "\tat "
    "io.lettuce.core.protocol.CommandExpiryWriter.lambda$potentiallyExpire$0(CommandExpiryWriter."
    "java:176)\n"
    "\tat com.acme.gateway.cache.SessionCache.get(SessionCache.java:88)\n"
    "\tat com.acme.gateway.api.CartController.checkout(CartController.java:142)\n"
    "\tat java.base/java.lang.Thread.run(Thread.java:833)";

constexpr const char* kPythonTrace =
    "HTTP 5xx ratio above 10% on POST /checkout\n"
    "Traceback (most recent call last):\n"
    "  File \"/app/checkout/payment.py\", line 88, in charge\n"
    "    session = gateway.get_session(cart_id)\n"
    "  File \"/app/checkout/gateway_client.py\", line 41, in get_session\n"
    "    raise UpstreamTimeout(f\"api-gateway timed out after {timeout}s\")\n"
    "checkout.errors.UpstreamTimeout: api-gateway timed out after 5s";

}  // namespace

Result<int64_t> LoadDemoScenario(net::HttpClient& client, const std::string& base_url,
                                 const std::string& admin_token, TimeMs now) {
  DemoSender send(client, base_url, admin_token);
  const TimeMs m = kMinuteMs;

  // Who calls whom: checkout -> api-gateway -> redis.
  QUELL_RETURN_IF_ERROR(send.Do(
      "PUT", "/api/v1/topology",
      json::object{{"services", json::object{{"api-gateway", {{"depends_on", {"redis"}}}},
                                             {"checkout", {{"depends_on", {"api-gateway"}}}}}}}));

  // An earlier look-alike in staging, resolved with a note: "similar incidents" finds it.
  QUELL_ASSIGN_OR_RETURN(auto earlier,
                         send.Send("POST", "/api/v1/alerts",
                                   json::object{{"service", "api-gateway"},
                                                {"environment", "staging"},
                                                {"title", "RedisTimeouts"},
                                                {"error", "Redis timeout after 2000ms"},
                                                {"severity", "high"},
                                                {"latency", 3100}}));
  const std::string earlier_id = json::serialize(earlier.at("incident_id"));
  QUELL_RETURN_IF_ERROR(
      send.Do("POST", "/api/v1/incidents/" + earlier_id + "/resolve",
              json::object{{"actor", "alice"},
                           {"note",
                            "Raised the Redis pool from 64 to 128 connections and "
                            "rolled back gateway 430"}}));

  // Deploys: an innocent one of checkout, then the guilty api-gateway 441.
  QUELL_RETURN_IF_ERROR(send.Do(
      "POST", "/api/v1/deploys",
      json::array{json::object{{"service", "checkout"},
                               {"environment", "prod"},
                               {"version", "2.14.0"},
                               {"commit", "5d1e0aa"},
                               {"author", "bob"},
                               {"started_at", FormatRfc3339(now - 52 * m)},
                               {"finished_at", FormatRfc3339(now - 50 * m)},
                               {"status", "succeeded"}},
                  json::object{{"service", "api-gateway"},
                               {"environment", "prod"},
                               {"version", "441"},
                               {"commit", "9f3c2ab"},
                               {"author", "alice"},
                               {"description", "Session cache: switch to lettuce async client"},
                               {"started_at", FormatRfc3339(now - 10 * m)},
                               {"finished_at", FormatRfc3339(now - 8 * m)},
                               {"status", "succeeded"}}}));

  // Logs: quiet before the deploy, timeouts and refused clients after it.
  json::array logs{
      json::object{
          {"service", "api-gateway"},
          {"lines", LogLines({{now - 20 * m, "INFO GET /api/cart 200 in 12ms"},
                              {now - 15 * m, "INFO GET /api/cart 200 in 9ms"},
                              {now - 12 * m, "INFO POST /api/cart/checkout 200 in 41ms"},
                              {now - 7 * m, "WARN Redis pool 64/64 connections in use"},
                              {now - 6 * m, kJavaTrace},
                              {now - 5 * m, kJavaTrace},
                              {now - 5 * m, "WARN Redis pool 64/64 connections in use"},
                              {now - 4 * m, kJavaTrace},
                              {now - 3 * m, "ERROR Redis command timed out after 2000ms"},
                              {now - 2 * m, "ERROR Redis command timed out after 2000ms"}})}},
      json::object{
          {"service", "redis"},
          {"lines", LogLines({{now - 30 * m, "INFO Background saving terminated with success"},
                              {now - 6 * m, "WARNING max number of clients reached"},
                              {now - 5 * m, "WARNING max number of clients reached"},
                              {now - 3 * m, "WARNING max number of clients reached"}})}},
      json::object{
          {"service", "checkout"},
          {"lines",
           LogLines({{now - 4 * m, "ERROR upstream api-gateway returned 504 in 5003ms"},
                     {now - 3 * m, "ERROR upstream api-gateway returned 504 in 5001ms"},
                     {now - 2 * m, "ERROR payment aborted for cart 8812: upstream timeout"}})}}};
  for (const auto& body : logs) QUELL_RETURN_IF_ERROR(send.Do("POST", "/api/v1/logs", body));

  // The alerts, as the services' monitoring sends them; the gateway's fires four times.
  const json::object gateway{
      {"service", "api-gateway"}, {"environment", "prod"},
      {"title", "RedisTimeouts"}, {"error", "Redis timeout"},
      {"severity", "high"},       {"latency", 4200},
      {"deploy", "441"},          {"labels", {{"instance", "gw-2"}, {"region", "eu-west-1"}}}};
  QUELL_ASSIGN_OR_RETURN(auto first, send.Send("POST", "/api/v1/alerts", gateway));
  QUELL_RETURN_IF_ERROR(send.Do(
      "POST", "/api/v1/alerts",
      json::array{
          json::object{{"service", "redis"},
                       {"environment", "prod"},
                       {"title", "RedisMaxClients"},
                       {"error", "max number of clients reached"},
                       {"severity", "medium"},
                       {"connected_clients", 10000},
                       {"labels", {{"instance", "redis-0"}}}},
          json::object{{"service", "checkout"},
                       {"environment", "prod"},
                       {"title", "CheckoutErrors"},
                       {"error", kPythonTrace},
                       {"severity", "high"},
                       {"error_ratio", 0.18},
                       {"labels", {{"instance", "checkout-1"}, {"customer_facing", "true"}}}},
          gateway, gateway, gateway}));
  if (!first.is_object() || !first.as_object().contains("incident_id"))
    return Error(Internal("demo: the alert answer has no incident_id"));
  return first.at("incident_id").to_number<int64_t>();
}

}  // namespace quell::app
