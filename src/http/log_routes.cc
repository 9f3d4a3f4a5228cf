// POST /api/v1/logs (ingest): JSON {service, lines|entries} or NDJSON, up to logs.max_body_bytes.
// GET /api/v1/logs?service=&since=&until=&limit= and GET /api/v1/logs/templates?service=&since=
// &until= (read). Lines are stored, then mined on LogMining's worker (a bounded queue).
#include <boost/json.hpp>

#include "common/text.h"
#include "common/time_format.h"
#include "engine/log_mining.h"
#include "http/json_response.h"
#include "http/routes.h"
#include "ingest/log_batch.h"

#include <optional>

namespace quell::http {
namespace {

namespace json = boost::json;

std::string BaseContentType(const HttpRequest& request) {
  std::string type = request.Header("content-type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return ToLower(type);
}

// NDJSON log streams: lines are parsed as they arrive and stored in batches, so a large stream
// never sits in memory whole. A bad line stops the stream with a 400 naming it; the batches
// before it stay stored, and the answer says how many lines were accepted.
class NdjsonLogStream final : public BodyStream {
 public:
  explicit NdjsonLogStream(const ApiDeps& deps) : deps_(deps) {}

  std::optional<HttpResponse> Feed(std::string_view piece) override {
    pending_.append(piece);
    size_t start = 0, newline;
    while ((newline = pending_.find('\n', start)) != std::string::npos) {
      if (auto error = Line(std::string_view(pending_).substr(start, newline - start))) {
        return error;
      }
      start = newline + 1;
    }
    pending_.erase(0, start);
    if (pending_.size() > kMaxLineBytes)
      return Reject(InvalidArgument("line " + std::to_string(line_no_ + 1) + " is too long",
                                    "line " + std::to_string(line_no_ + 1)));
    if (batch_.size() >= kBatch) return Flush();
    return std::nullopt;
  }

  void Finish(Responder respond) override {
    std::optional<HttpResponse> error = pending_.empty() ? std::nullopt : Line(pending_);
    if (!error) error = Flush();
    if (!error && accepted_ == 0)
      error = Reject(InvalidArgument("no log entries in the body", "body"));
    respond(error ? std::move(*error)
                  : JsonResponse(202, json::object{{"accepted", accepted_}}));
  }

 private:
  static constexpr size_t kBatch = 5000;
  static constexpr size_t kMaxLineBytes = 1 << 20;

  std::optional<HttpResponse> Line(std::string_view line) {
    ++line_no_;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) return std::nullopt;
    auto entry = ingest::ParseLogNdjsonLine(line, line_no_, deps_.clock.Now());
    if (!entry) return Reject(entry.error());
    batch_.push_back(std::move(*entry));
    return std::nullopt;
  }

  std::optional<HttpResponse> Flush() {
    if (batch_.empty()) return std::nullopt;
    const size_t lines = batch_.size();
    Status stored = deps_.logs.Ingest(std::move(batch_));
    batch_.clear();
    if (!stored.ok()) return ErrorResponse(stored);
    accepted_ += lines;
    return std::nullopt;
  }

  HttpResponse Reject(const Status& status) {
    json::object body = ErrorBody(status).as_object();
    body["accepted"] = accepted_;
    return JsonResponse(400, body);
  }

  const ApiDeps deps_;
  std::string pending_;
  std::vector<model::LogEntry> batch_;
  size_t line_no_ = 0;
  size_t accepted_ = 0;
};

}  // namespace

void AddLogRoutes(Router& router, const ApiDeps& deps) {
  Route post{"POST", "/api/v1/logs", store::Scope::kIngest,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                const std::string type = BaseContentType(request);
                const TimeMs now = deps.clock.Now();
                Result<std::vector<model::LogEntry>> entries =
                    type == "application/json" ? ingest::ParseLogJson(request.body, now)
                    : type == "application/x-ndjson" || type == "application/jsonl"
                        ? ingest::ParseLogNdjson(request.body, now)
                        : Result<std::vector<model::LogEntry>>(Error(InvalidArgument(
                              "Content-Type must be application/json or application/x-ndjson",
                              "content-type")));
                if (!entries) {
                  return respond(entries.error().field() == "content-type"
                                     ? ErrorResponse(415, entries.error())
                                     : ErrorResponse(entries.error()));
                }
                const size_t lines = entries->size();
                Status stored = deps.logs.Ingest(std::move(*entries));  // mined on a worker
                if (!stored.ok()) return respond(ErrorResponse(stored));
                respond(JsonResponse(202, json::object{{"accepted", lines}}));
              }};
  post.open_stream = [deps](const HttpRequest& head) -> std::unique_ptr<BodyStream> {
    const std::string type = BaseContentType(head);
    if (type != "application/x-ndjson" && type != "application/jsonl") return nullptr;
    return std::make_unique<NdjsonLogStream>(deps);
  };
  router.Add(std::move(post));
  router.Add({"GET", "/api/v1/logs", store::Scope::kRead,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                store::LogQuery query;
                query.service = request.Query("service");
                if (query.service.empty())
                  return respond(ErrorResponse(InvalidArgument("service is required", "service")));
                auto since = TimeQueryParam(request, "since", 0);
                auto until = TimeQueryParam(request, "until", 0);
                if (!since) return respond(ErrorResponse(since.error()));
                if (!until) return respond(ErrorResponse(until.error()));
                query.since = *since;
                query.until = *until;
                auto limit = LimitQueryParam(request, 1000, 10000);
                if (!limit) return respond(ErrorResponse(limit.error()));
                query.limit = *limit;
                auto logs = deps.store.ListLogs(query);
                if (!logs) return respond(ErrorResponse(logs.error()));
                deps.logs.ClassifyStored(*logs);  // rows are stored before they are mined
                json::array items;
                for (const auto& e : *logs)
                  items.push_back(json::object{{"ts", FormatRfc3339(e.ts)},
                                               {"level", e.level},
                                               {"message", e.message},
                                               {"template_id", e.template_id}});
                respond(JsonResponse(200, json::object{{"logs", std::move(items)}}));
              }});
  router.Add({"GET", "/api/v1/logs/templates", store::Scope::kRead,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                std::string service = request.Query("service");
                if (service.empty())
                  return respond(ErrorResponse(InvalidArgument("service is required", "service")));
                const TimeMs now = deps.clock.Now();
                auto until = TimeQueryParam(request, "until", now);
                auto since = TimeQueryParam(request, "since", now - kHourMs);
                if (!since) return respond(ErrorResponse(since.error()));
                if (!until) return respond(ErrorResponse(until.error()));
                // "new" means not seen before the window.
                auto templates = deps.logs.Templates({service}, *since, *since, *until);
                json::array items;
                for (const auto& t : templates) {
                  json::array samples;
                  for (const auto& s : t.samples) samples.emplace_back(s);
                  json::array series;
                  for (uint64_t n : t.series) series.emplace_back(n);
                  items.push_back(json::object{{"template_id", t.template_id},
                                               {"template", t.text},
                                               {"level", t.level},
                                               {"count", t.count},
                                               {"first_seen", FormatRfc3339(t.first_seen)},
                                               {"last_seen", FormatRfc3339(t.last_seen)},
                                               {"new", t.is_new},
                                               {"surging", t.is_surging},
                                               {"samples", std::move(samples)},
                                               {"series", std::move(series)}});
                }
                // Lines of the window stored but not mined (the mining queue was full).
                const uint64_t not_mined = deps.logs.NotMined(service, *since, *until);
                respond(JsonResponse(200, json::object{{"service", service},
                                                       {"templates", std::move(items)},
                                                       {"not_mined", not_mined}}));
              }});
}

}  // namespace quell::http
