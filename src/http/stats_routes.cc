// GET /api/v1/stats?since=&until=&bucket=: the dashboard's noise figures — alerts received
// (repeats included) → duplicates folded → incidents opened → notifications sent — over the
// window (default: the last 24 hours) and, per bucket (default 1h), alert volume and incidents.
// The store counts by the minute, from counters kept at ingest (store.h, StatsQuery): a window
// or bucket edge that cuts a minute takes the whole minute on its right.
#include <boost/json.hpp>

#include "common/time_format.h"
#include "http/json_response.h"
#include "http/routes.h"

namespace quell::http {
namespace {

namespace json = boost::json;

constexpr int64_t kMaxBuckets = 2000;

// "3600", "90s", "5m", "1h", "1d": a bucket width of whole seconds, in milliseconds.
Result<TimeMs> ParseBucket(const std::string& text) {
  auto ms = ParseDuration(text);
  if (!ms || *ms < kSecondMs || *ms % kSecondMs != 0)
    return Error(
        InvalidArgument("bucket must be a positive duration: seconds or a number with "
                        "s, m, h or d (e.g. 1h)",
                        "bucket"));
  return *ms;
}

Result<store::StatsQuery> ParseStatsQuery(const HttpRequest& request, TimeMs now) {
  store::StatsQuery q;
  // The window is [since, until): by default it ends just after now, so what happened in this
  // millisecond counts.
  QUELL_ASSIGN_OR_RETURN(q.until, TimeQueryParam(request, "until", now + 1));
  QUELL_ASSIGN_OR_RETURN(q.since, TimeQueryParam(request, "since", q.until - 24 * kHourMs));
  if (q.since >= q.until) return Error(InvalidArgument("since must be before until", "since"));
  std::string bucket = request.Query("bucket");
  if (bucket.empty()) {
    q.bucket_ms = kHourMs;
  } else {
    QUELL_ASSIGN_OR_RETURN(q.bucket_ms, ParseBucket(bucket));
  }
  if ((q.until - q.since) / q.bucket_ms >= kMaxBuckets)
    return Error(InvalidArgument(
        "at most " + std::to_string(kMaxBuckets) + " buckets: widen bucket or narrow since/until",
        "bucket"));
  return q;
}

}  // namespace

void AddStatsRoutes(Router& router, const ApiDeps& deps) {
  router.Add({"GET", "/api/v1/stats", store::Scope::kRead,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                auto query = ParseStatsQuery(request, deps.clock.Now());
                if (!query) return respond(ErrorResponse(query.error()));
                auto stats = deps.store.GetStats(*query);
                if (!stats) return respond(ErrorResponse(stats.error()));
                json::array buckets;
                for (const auto& b : stats->buckets)
                  buckets.push_back(json::object{{"start", FormatRfc3339(b.start)},
                                                 {"alerts", b.alerts},
                                                 {"incidents", b.incidents}});
                respond(JsonResponse(
                    200, json::object{
                             {"since", FormatRfc3339(query->since)},
                             {"until", FormatRfc3339(query->until)},
                             {"bucket_seconds", query->bucket_ms / 1000},
                             {"alerts_received", stats->alerts_received},
                             {"duplicates_folded", stats->alerts_received - stats->distinct_alerts},
                             {"incidents_opened", stats->incidents_opened},
                             {"notifications_sent", stats->notifications_sent},
                             {"buckets", std::move(buckets)}}));
              }});
}

}  // namespace quell::http
