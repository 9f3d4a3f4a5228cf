// Incidents: GET /api/v1/incidents?status=&service=&limit=&cursor=,
// GET /api/v1/incidents/{id}?alerts_limit= (with its first alerts and the timeline),
// GET /api/v1/incidents/{id}/alerts?limit=&cursor= (all its alerts, page by page),
// POST /api/v1/incidents/{id}/{action}
// with {"note": "..."} where action is ack | unack | resolve | reopen | silence | unsilence (the
// actor is the name of the token that made the request),
// POST /api/v1/incidents/{id}/analyze?wait= (re-run the analyst, off the I/O threads),
// GET /api/v1/incidents/{id}/similar.
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "http/json_response.h"
#include "http/routes.h"
#include "common/time_format.h"
#include "engine/evidence_builder.h"
#include "ingest/json_body.h"
#include "model/escalation_json.h"
#include "model/json_codec.h"

namespace quell::http {
namespace {

namespace json = boost::json;

constexpr int kMaxPageSize = 500;
// An incident's alerts in one answer: a storm puts thousands into one incident.
constexpr int kDefaultAlertsPage = 200;
constexpr int kMaxAlertsPage = 1000;

Result<int64_t> ParseId(const std::string& text, const std::string& field) {
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size() || id <= 0)
    return Error(InvalidArgument(field + " must be a positive integer", field));
  return id;
}

Result<store::IncidentQuery> ParseListQuery(const HttpRequest& request) {
  store::IncidentQuery query;
  if (std::string status = request.Query("status"); !status.empty()) {
    query.status = model::ParseIncidentStatus(status);
    if (!query.status)
      return Error(InvalidArgument("status must be triggered, acknowledged or resolved", "status"));
  }
  query.service = request.Query("service");
  QUELL_ASSIGN_OR_RETURN(query.limit, LimitQueryParam(request, 50, kMaxPageSize));
  if (std::string cursor = request.Query("cursor"); !cursor.empty()) {
    QUELL_ASSIGN_OR_RETURN(query.before_id, ParseId(cursor, "cursor"));
  }
  return query;
}

// The incident as the API shows it: its fields and `silenced_by`, the ids of the silences by
// matchers that silence it now (read live, so it is current before the "silences" job runs).
Result<json::object> IncidentBody(engine::Engine& engine, const model::Incident& incident) {
  json::object body = model::IncidentToJson(incident).as_object();
  json::array ids;
  if (incident.firing_count > 0) {  // nothing firing: nothing to silence, nothing to read
    QUELL_ASSIGN_OR_RETURN(auto silenced_by, engine.SilencedBy(incident.id));
    for (auto& id : silenced_by) ids.emplace_back(id);
  }
  body["silenced_by"] = std::move(ids);
  return body;
}

void ListIncidents(store::Store& store, engine::Engine& engine, HttpRequest& request,
                   Responder respond) {
  auto query = ParseListQuery(request);
  if (!query) return respond(ErrorResponse(query.error()));
  auto incidents = store.ListIncidents(*query);
  if (!incidents) return respond(ErrorResponse(incidents.error()));
  json::array items;
  for (const auto& incident : *incidents) {
    auto body = IncidentBody(engine, incident);
    if (!body) return respond(ErrorResponse(body.error()));
    items.push_back(std::move(*body));
  }
  json::value next = nullptr;
  if (static_cast<int>(incidents->size()) == query->limit && !incidents->empty())
    next = std::to_string(incidents->back().id);
  respond(JsonResponse(200, json::object{{"incidents", std::move(items)}, {"next_cursor", next}}));
}

// A page of an incident's alerts, oldest first, after the alert id `cursor` (0: from the
// start), and the cursor of the next page (null after the last).
struct AlertsPage {
  json::array alerts;
  json::value next_cursor = nullptr;
};

Result<AlertsPage> ReadAlertsPage(store::Store& store, int64_t incident_id, int limit,
                                  int64_t cursor) {
  // One more than asked for tells whether another page follows.
  QUELL_ASSIGN_OR_RETURN(auto alerts,
                         store.ListAlerts(incident_id, static_cast<size_t>(limit) + 1, cursor));
  AlertsPage page;
  const bool more = alerts.size() > static_cast<size_t>(limit);
  if (more) alerts.pop_back();
  for (const auto& a : alerts) page.alerts.push_back(model::AlertToJson(a));
  if (more) page.next_cursor = std::to_string(alerts.back().id);
  return page;
}

// The incident named by the path, or the error to answer with.
Result<model::Incident> PathIncident(store::Store& store, const PathParams& params) {
  QUELL_ASSIGN_OR_RETURN(int64_t id, ParseId(params.at("id"), "id"));
  QUELL_ASSIGN_OR_RETURN(auto incident, store.GetIncident(id));
  if (!incident) return Error(NotFound("no incident " + params.at("id")));
  return std::move(*incident);
}

void GetIncident(store::Store& store, engine::Engine& engine, HttpRequest& request,
                 const PathParams& params, Responder respond) {
  auto limit = LimitQueryParam(request, kDefaultAlertsPage, kMaxAlertsPage, "alerts_limit");
  if (!limit) return respond(ErrorResponse(limit.error()));
  auto incident = PathIncident(store, params);
  if (!incident) return respond(ErrorResponse(incident.error()));
  auto page = ReadAlertsPage(store, incident->id, *limit, 0);
  if (!page) return respond(ErrorResponse(page.error()));
  auto events = store.ListEvents(incident->id);
  if (!events) return respond(ErrorResponse(events.error()));
  auto body_or = IncidentBody(engine, *incident);
  if (!body_or) return respond(ErrorResponse(body_or.error()));
  json::object& body = *body_or;
  json::array event_items;
  for (const auto& e : *events) event_items.push_back(model::EventToJson(e));
  body["alerts"] = std::move(page->alerts);
  body["alerts_next_cursor"] = std::move(page->next_cursor);
  body["timeline"] = std::move(event_items);
  // Its escalation policy and how far it has got (null: none, escalation.after applies).
  auto escalation = engine.EscalationStateOf(*incident, *events);
  if (!escalation) return respond(ErrorResponse(escalation.error()));
  body["escalation"] = *escalation ? model::EscalationStateToJson(**escalation) : json::value();
  respond(JsonResponse(200, body));
}

void ListIncidentAlerts(store::Store& store, HttpRequest& request, const PathParams& params,
                        Responder respond) {
  auto limit = LimitQueryParam(request, kDefaultAlertsPage, kMaxAlertsPage);
  if (!limit) return respond(ErrorResponse(limit.error()));
  int64_t cursor = 0;
  if (std::string text = request.Query("cursor"); !text.empty()) {
    auto parsed = ParseId(text, "cursor");
    if (!parsed) return respond(ErrorResponse(parsed.error()));
    cursor = *parsed;
  }
  auto incident = PathIncident(store, params);
  if (!incident) return respond(ErrorResponse(incident.error()));
  auto page = ReadAlertsPage(store, incident->id, *limit, cursor);
  if (!page) return respond(ErrorResponse(page.error()));
  respond(JsonResponse(200, json::object{{"alerts", std::move(page->alerts)},
                                         {"next_cursor", std::move(page->next_cursor)}}));
}

struct ActionBody {
  std::string on_behalf_of;  // the body's "actor": a claim, kept in the note, never the actor
  std::string note;
  TimeMs silence_ms = kHourMs;  // "duration" of a silence, e.g. "30m"
};

Result<ActionBody> ParseActionBody(const HttpRequest& request) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ingest::ParseJsonBody(request.body));
  if (!root.is_object()) return Error(InvalidArgument("body must be a JSON object", "body"));
  ActionBody body;
  const json::value* actor = root.as_object().if_contains("actor");
  if (actor && !actor->is_null()) {
    QUELL_ASSIGN_OR_RETURN(body.on_behalf_of, ingest::ReadString(*actor, "actor", 256));
  }
  if (const json::value* note = root.as_object().if_contains("note"); note && !note->is_null()) {
    QUELL_ASSIGN_OR_RETURN(body.note, ingest::ReadString(*note, "note", 4096));
  }
  if (const json::value* d = root.as_object().if_contains("duration"); d && !d->is_null()) {
    QUELL_ASSIGN_OR_RETURN(std::string text, ingest::ReadString(*d, "duration", 32));
    auto ms = ParseDuration(text);
    if (!ms || *ms <= 0 || *ms > 30 * 24 * kHourMs)
      return Error(InvalidArgument("duration must be like 30m, 1h or 2d (at most 30d)", "duration"));
    body.silence_ms = *ms;
  }
  return body;
}

void ActOnIncident(engine::Engine& engine, HttpRequest& request, const PathParams& params,
                   Responder respond) {
  auto action = engine::ParseAction(params.at("action"));
  if (!action)
    return respond(ErrorResponse(
        NotFound("unknown action '" + params.at("action") +
                 "' (ack, unack, resolve, reopen, silence, unsilence)")));
  auto id = ParseId(params.at("id"), "id");
  if (!id) return respond(ErrorResponse(id.error()));
  if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
  auto body = ParseActionBody(request);
  if (!body) return respond(ErrorResponse(body.error()));
  // Who acts is who authenticated; whom a script acts for is only its word, so it goes into
  // the note.
  std::string note = body->note;
  if (!body->on_behalf_of.empty() && body->on_behalf_of != request.caller)
    note = "on behalf of " + body->on_behalf_of + (note.empty() ? "" : ": " + note);
  auto incident = engine.Act(*id, *action, request.caller, note, body->silence_ms);
  if (!incident) return respond(ErrorResponse(incident.error()));
  auto answer = IncidentBody(engine, *incident);
  if (!answer) return respond(ErrorResponse(answer.error()));
  respond(JsonResponse(200, std::move(*answer)));
}

// How long POST .../analyze waits for the analysis before it answers 202 with where to look:
// ?wait=N seconds (0 or false: not at all; true or absent: the default), at most kMaxAnalyzeWait.
constexpr int kDefaultAnalyzeWaitS = 30;
constexpr int kMaxAnalyzeWaitS = 120;

Result<int> AnalyzeWaitSeconds(const HttpRequest& request) {
  const std::string text = request.Query("wait");
  if (text.empty() || text == "true") return kDefaultAnalyzeWaitS;
  if (text == "false") return 0;
  if (text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
    return Error(InvalidArgument("wait must be a number of seconds (0 to " +
                                     std::to_string(kMaxAnalyzeWaitS) + "), true or false",
                                 "wait"));
  return std::min(std::stoi(text), kMaxAnalyzeWaitS);
}

// A request waiting on its re-analysis, answered once by whichever comes first: the analysis
// (200 with it, or its error) or the deadline (202 with where to look).
class PendingAnalysis {
 public:
  explicit PendingAnalysis(Responder respond) : respond_(std::move(respond)) {}
  // False if it was answered already.
  bool Answer(HttpResponse response) {
    Responder respond;
    {
      std::lock_guard lock(mu_);
      respond.swap(respond_);
    }
    if (!respond) return false;
    respond(std::move(response));
    return true;
  }
  std::atomic<bool> started{false};

 private:
  std::mutex mu_;
  Responder respond_;
};

// 202: the analysis is queued or running and will be stored on the incident (its `analysis`,
// with created_at at or after requested_at, and an `analysis` timeline entry).
HttpResponse AnalysisAccepted(int64_t id, TimeMs requested_at, bool started) {
  const std::string poll = "/api/v1/incidents/" + std::to_string(id);
  HttpResponse response = JsonResponse(202, json::object{{"status", started ? "running" : "queued"},
                                                         {"incident_id", id},
                                                         {"poll", poll},
                                                         {"requested_at", model::TimeToJson(requested_at)}});
  response.headers.emplace_back("Location", poll);
  return response;
}

// The analyst may ask a model over the network, so it runs on `pool`, never on the I/O thread;
// the request is answered from there, or with 202 once its wait is over.
void AnalyzeIncident(const ApiDeps& deps, WorkerPool& pool, const HttpRequest& request,
                     const PathParams& params, Responder respond) {
  auto id = ParseId(params.at("id"), "id");
  if (!id) return respond(ErrorResponse(id.error()));
  auto wait_s = AnalyzeWaitSeconds(request);
  if (!wait_s) return respond(ErrorResponse(wait_s.error()));
  // A 404 now rather than a 202 for nothing.
  auto incident = deps.store.GetIncident(*id);
  if (!incident) return respond(ErrorResponse(incident.error()));
  if (!*incident) return respond(ErrorResponse(NotFound("no incident " + params.at("id"))));

  const TimeMs requested_at = deps.clock.Now();
  auto pending = std::make_shared<PendingAnalysis>(std::move(respond));
  const bool posted = pool.TryPost([engine = &deps.engine, analyst = &deps.analyst,
                                    evidence = &deps.evidence, id = *id, pending] {
    pending->started = true;
    auto analysis = engine->Analyze(id, *analyst, *evidence, /*force=*/true);
    const bool answered = pending->Answer(analysis ? JsonResponse(200, model::AnalysisToJson(*analysis))
                                                   : ErrorResponse(analysis.error()));
    if (!analysis && !answered)
      spdlog::warn("re-analysis of incident {} failed: {}", id, analysis.error().message());
  });
  if (!posted) {
    HttpResponse busy = ErrorResponse(503, Unavailable(
        "too many re-analyses queued (" + std::to_string(pool.queued()) + "); try again shortly"));
    busy.headers.emplace_back("Retry-After", "5");
    pending->Answer(std::move(busy));
    return;
  }
  if (*wait_s == 0) {
    pending->Answer(AnalysisAccepted(*id, requested_at, pending->started));
    return;
  }
  pool.After(std::chrono::seconds(*wait_s), [pending, id = *id, requested_at] {
    pending->Answer(AnalysisAccepted(id, requested_at, pending->started));
  });
}

void SimilarIncidents(const ApiDeps& deps, const PathParams& params, Responder respond) {
  auto id = ParseId(params.at("id"), "id");
  if (!id) return respond(ErrorResponse(id.error()));
  auto pack = engine::BuildEvidence(deps.store, *deps.engine.topology(), engine::EvidenceSources{},
                                    *id, deps.clock.Now());
  if (!pack) return respond(ErrorResponse(pack.error()));
  json::array items;
  for (const auto& m : pack->similar) {
    json::array reasons;
    for (const auto& r : m.reasons) reasons.emplace_back(r);
    items.push_back(json::object{{"incident_id", m.incident_id},
                                 {"title", m.title},
                                 {"score", std::round(m.score * 100) / 100},
                                 {"resolution_note", m.resolution_note},
                                 {"reasons", std::move(reasons)}});
  }
  respond(JsonResponse(200, json::object{{"similar", std::move(items)}}));
}

}  // namespace

void AddIncidentRoutes(Router& router, const ApiDeps& deps, Background& background) {
  store::Store& store = deps.store;
  engine::Engine& engine = deps.engine;
  // Before the generic action route, which would otherwise take ".../analyze".
  router.Add({"POST", "/api/v1/incidents/{id}/analyze", store::Scope::kAdmin,
              [deps, pool = &background.analyses](HttpRequest& request, const PathParams& params,
                                                  Responder respond) {
                AnalyzeIncident(deps, *pool, request, params, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/incidents/{id}/similar", store::Scope::kRead,
              [deps](HttpRequest&, const PathParams& params, Responder respond) {
                SimilarIncidents(deps, params, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/incidents", store::Scope::kRead,
              [&store, &engine](HttpRequest& request, const PathParams&, Responder respond) {
                ListIncidents(store, engine, request, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/incidents/{id}", store::Scope::kRead,
              [&store, &engine](HttpRequest& request, const PathParams& params, Responder respond) {
                GetIncident(store, engine, request, params, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/incidents/{id}/alerts", store::Scope::kRead,
              [&store](HttpRequest& request, const PathParams& params, Responder respond) {
                ListIncidentAlerts(store, request, params, std::move(respond));
              }});
  router.Add({"POST", "/api/v1/incidents/{id}/{action}", store::Scope::kAdmin,
              [&engine](HttpRequest& request, const PathParams& params, Responder respond) {
                ActOnIncident(engine, request, params, std::move(respond));
              }});
}

}  // namespace quell::http
