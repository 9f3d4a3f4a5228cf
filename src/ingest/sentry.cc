#include "ingest/sentry.h"

#include <algorithm>

#include <boost/json.hpp>

#include "ingest/json_body.h"

namespace quell::ingest {
namespace {

namespace json = boost::json;

const json::value* Find(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return v && !v->is_null() ? v : nullptr;
}

std::string Text(const json::object& obj, std::string_view key) {
  const json::value* v = Find(obj, key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

model::Severity LevelToSeverity(std::string_view level) {
  if (level == "fatal") return model::Severity::kCritical;
  if (level == "error") return model::Severity::kHigh;
  if (level == "warning") return model::Severity::kMedium;
  if (level == "info" || level == "debug" || level == "sample") return model::Severity::kInfo;
  return model::Severity::kUnknown;
}

// "/projects/<org>/<slug>/" or "/organizations/<org>/projects/<slug>/" in a Sentry URL.
std::string ProjectFromUrl(std::string_view url) {
  for (std::string_view marker : {"/projects/", "/project/"}) {
    size_t at = url.find(marker);
    if (at == std::string_view::npos) continue;
    std::string_view rest = url.substr(at + marker.size());
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) continue;
    std::string_view second = rest.substr(slash + 1);
    size_t end = second.find('/');
    // /api/0/projects/<org>/<slug>/ has two segments; /organizations/o/projects/<slug>/ has one.
    if (url.find("/api/") != std::string_view::npos && end != std::string_view::npos)
      return std::string(second.substr(0, end));
    return std::string(rest.substr(0, slash));
  }
  return {};
}

// Frames of the last (outermost reported) exception as compact evidence JSON.
std::string FramesJson(const json::object& exception_value) {
  const json::value* st = Find(exception_value, "stacktrace");
  if (!st || !st->is_object()) return {};
  const json::value* frames = Find(st->get_object(), "frames");
  if (!frames || !frames->is_array()) return {};
  json::array out;
  for (const auto& f : frames->get_array()) {
    if (!f.is_object()) continue;
    const auto& fo = f.get_object();
    std::string file = Text(fo, "filename");
    if (file.empty()) file = Text(fo, "abs_path");
    json::object frame{{"function", Text(fo, "function")}, {"file", file}};
    if (const json::value* line = Find(fo, "lineno"); line && line->is_number())
      frame["line"] = line->to_number<int64_t>();
    if (const json::value* in_app = Find(fo, "in_app"); in_app && in_app->is_bool())
      frame["in_app"] = in_app->get_bool();
    out.push_back(std::move(frame));
  }
  // Sentry lists frames oldest first; evidence reads best innermost first.
  std::reverse(out.begin(), out.end());
  return json::serialize(out);
}

// Fills error, stack and tags from a Sentry event object.
Status FillFromEvent(const json::object& event, const std::string& path,
                     model::NormalizedAlert& out) {
  if (const json::value* exception = Find(event, "exception")) {
    const json::value* values = exception->is_object() ? Find(exception->get_object(), "values")
                                                       : nullptr;
    if (!values || !values->is_array())
      return InvalidArgument(path + ".exception.values must be an array",
                             path + ".exception.values");
    const auto& list = values->get_array();
    if (!list.empty() && list.back().is_object()) {
      const auto& last = list.back().get_object();  // chained exceptions: oldest first
      std::string type = Text(last, "type"), value = Text(last, "value");
      out.message = value.empty() ? type : type.empty() ? value : type + ": " + value;
      if (!type.empty()) out.labels["exception_type"] = type;
      std::string frames = FramesJson(last);
      if (!frames.empty()) out.annotations["stacktrace"] = std::move(frames);
    }
  }
  if (const json::value* tags = Find(event, "tags")) {
    if (!tags->is_array()) return InvalidArgument(path + ".tags must be an array", path + ".tags");
    for (const auto& pair : tags->get_array()) {
      if (pair.is_array() && pair.get_array().size() == 2 && pair.get_array()[0].is_string() &&
          pair.get_array()[1].is_string()) {
        std::string key(pair.get_array()[0].get_string()), value(pair.get_array()[1].get_string());
        if (!value.empty()) out.labels[key] = value;
      }
    }
  }
  if (out.environment.empty()) out.environment = Text(event, "environment");
  if (out.environment.empty()) {
    auto it = out.labels.find("environment");
    if (it != out.labels.end()) out.environment = it->second;
  }
  if (out.deploy.empty()) out.deploy = Text(event, "release");
  if (const json::value* dt = Find(event, "datetime")) {
    QUELL_ASSIGN_OR_RETURN(out.starts_at, ReadTimestamp(*dt, path + ".datetime"));
  } else if (const json::value* ts = Find(event, "timestamp")) {
    QUELL_ASSIGN_OR_RETURN(out.starts_at, ReadTimestamp(*ts, path + ".timestamp"));
  }
  return Status::Ok();
}

void Finish(model::NormalizedAlert& out, const std::string& issue_id, const std::string& title,
            const std::string& level, const std::string& project, const std::string& url,
            const std::string& culprit) {
  out.source = "sentry";
  out.fingerprint = "sentry-issue-" + issue_id;
  out.name = title;
  if (out.message.empty()) out.message = title;
  out.severity = LevelToSeverity(level);
  out.service = !project.empty() ? project : !out.labels.count("service") ? "sentry"
                                                                          : out.labels["service"];
  out.labels["sentry_issue_id"] = issue_id;
  if (!project.empty()) out.labels["sentry_project"] = project;
  if (!url.empty()) out.annotations["url"] = url;
  if (!culprit.empty()) out.annotations["culprit"] = culprit;
}

Status ParseEventAlert(const json::object& root, model::NormalizedAlert& out) {
  const json::value* data = Find(root, "data");
  if (!data || !data->is_object()) return InvalidArgument("data is required", "data");
  const json::value* event = Find(data->get_object(), "event");
  if (!event || !event->is_object()) return InvalidArgument("data.event is required", "data.event");
  const auto& ev = event->get_object();
  std::string issue_id = Text(ev, "issue_id");
  if (issue_id.empty()) return InvalidArgument("data.event.issue_id is required", "data.event.issue_id");
  QUELL_RETURN_IF_ERROR(FillFromEvent(ev, "data.event", out));
  std::string url = Text(ev, "web_url");
  std::string project = Text(ev, "project_slug");
  if (project.empty()) project = ProjectFromUrl(Text(ev, "url"));
  if (project.empty()) project = ProjectFromUrl(url);
  std::string rule = Text(data->get_object(), "triggered_rule");
  if (!rule.empty()) out.annotations["triggered_rule"] = rule;
  Finish(out, issue_id, Text(ev, "title"), Text(ev, "level"), project, url, Text(ev, "culprit"));
  return Status::Ok();
}

Status ParseIssue(const json::object& root, model::NormalizedAlert& out) {
  std::string action = Text(root, "action");
  const json::value* data = Find(root, "data");
  if (!data || !data->is_object()) return InvalidArgument("data is required", "data");
  const json::value* issue = Find(data->get_object(), "issue");
  if (!issue || !issue->is_object()) return InvalidArgument("data.issue is required", "data.issue");
  const auto& is = issue->get_object();
  std::string id = Text(is, "id");
  if (id.empty()) return InvalidArgument("data.issue.id is required", "data.issue.id");
  if (action == "resolved" || action == "ignored" || action == "archived") {
    out.status = model::AlertStatus::kResolved;
  } else if (action == "created" || action == "unresolved" || action == "assigned") {
    out.status = model::AlertStatus::kFiring;
  } else {
    return InvalidArgument("action must be created, unresolved, assigned, resolved, ignored or archived",
                           "action");
  }
  std::string project;
  if (const json::value* p = Find(is, "project"); p && p->is_object()) {
    project = Text(p->get_object(), "slug");
    if (project.empty()) project = Text(p->get_object(), "name");
  }
  std::string url = Text(is, "web_url");
  if (url.empty()) url = Text(is, "permalink");
  Finish(out, id, Text(is, "title"), Text(is, "level"), project, url, Text(is, "culprit"));
  return Status::Ok();
}

Status ParseLegacyPlugin(const json::object& root, model::NormalizedAlert& out) {
  std::string id = Text(root, "id");
  if (id.empty()) return InvalidArgument("id (the Sentry issue id) is required", "id");
  if (const json::value* event = Find(root, "event")) {
    if (!event->is_object()) return InvalidArgument("event must be an object", "event");
    QUELL_RETURN_IF_ERROR(FillFromEvent(event->get_object(), "event", out));
  }
  std::string project = Text(root, "project_slug");
  if (project.empty()) project = Text(root, "project");
  if (project.empty()) project = Text(root, "project_name");
  std::string rule = Text(root, "triggered_rule");
  if (!rule.empty()) out.annotations["triggered_rule"] = rule;
  std::string title = Text(root, "message");
  if (const json::value* event = Find(root, "event"); event && event->is_object()) {
    std::string event_title = Text(event->get_object(), "title");
    if (!event_title.empty()) title = event_title;
  }
  Finish(out, id, title, Text(root, "level"), project, Text(root, "url"), Text(root, "culprit"));
  return Status::Ok();
}

}  // namespace

AdapterResult ParseSentryWebhook(std::string_view body, std::string_view hook_resource) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonBody(body));
  if (!root.is_object()) return Error(InvalidArgument("a Sentry webhook body is a JSON object", "body"));
  const json::object& obj = root.get_object();
  AdapterOutput output;
  output.alerts.resize(1);
  model::NormalizedAlert& out = output.alerts[0];
  Status status;
  if (hook_resource == "event_alert") {
    status = ParseEventAlert(obj, out);
  } else if (hook_resource == "issue") {
    status = ParseIssue(obj, out);
  } else if (hook_resource.empty()) {
    status = ParseLegacyPlugin(obj, out);
  } else {
    return Error(InvalidArgument("unsupported Sentry-Hook-Resource '" + std::string(hook_resource) +
                                     "' (event_alert, issue, or none for the WebHooks plugin)",
                                 "sentry-hook-resource"));
  }
  if (!status.ok()) return Error(std::move(status));
  out.raw_json = json::serialize(root);
  return output;
}

}  // namespace quell::ingest
