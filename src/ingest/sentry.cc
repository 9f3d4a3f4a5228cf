#include "ingest/sentry.h"

#include <algorithm>
#include <boost/json.hpp>
#include <limits>
#include <vector>

#include "ingest/json_body.h"

namespace quell::ingest {
namespace {

namespace json = boost::json;

// Free text (titles, exception values, culprits): the generic adapter's message bound. Sentry
// trims these itself well below it, so a real payload is never rejected for length.
constexpr size_t kMaxTextLen = 64 * 1024;
// Innermost frames kept as evidence: what the analyst reads, and a bound on the annotation.
constexpr size_t kMaxEvidenceFrames = 50;

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

const json::value* Find(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return v && !v->is_null() ? v : nullptr;
}

// obj[key] as text; absent or null is "". Other types are errors naming `path.key`.
Result<std::string> OptionalString(const json::object& obj, std::string_view key,
                                   const std::string& path) {
  const json::value* v = Find(obj, key);
  if (!v) return std::string();
  return ReadString(*v, Join(path, key), kMaxTextLen);
}

// Sentry sends ids as strings, some older payloads as numbers.
Result<std::string> OptionalId(const json::object& obj, std::string_view key,
                               const std::string& path) {
  const json::value* v = Find(obj, key);
  if (!v) return std::string();
  return ReadStringOrNumber(*v, Join(path, key));
}

Result<std::string> RequiredId(const json::object& obj, std::string_view key,
                               const std::string& path) {
  QUELL_ASSIGN_OR_RETURN(std::string id, OptionalId(obj, key, path));
  if (id.empty()) return Error(InvalidArgument(Join(path, key) + " is required", Join(path, key)));
  return id;
}

// obj[key] as an object; nullptr when absent or null.
Result<const json::object*> OptionalObject(const json::object& obj, std::string_view key,
                                           const std::string& path) {
  const json::value* v = Find(obj, key);
  if (!v) return nullptr;
  if (!v->is_object())
    return Error(InvalidArgument(Join(path, key) + " must be an object", Join(path, key)));
  return &v->get_object();
}

Result<const json::object*> RequiredObject(const json::object& obj, std::string_view key,
                                           const std::string& path) {
  QUELL_ASSIGN_OR_RETURN(const json::object* found, OptionalObject(obj, key, path));
  if (!found) return Error(InvalidArgument(Join(path, key) + " is required", Join(path, key)));
  return found;
}

Result<const json::array*> OptionalArray(const json::object& obj, std::string_view key,
                                         const std::string& path) {
  const json::value* v = Find(obj, key);
  if (!v) return nullptr;
  if (!v->is_array())
    return Error(InvalidArgument(Join(path, key) + " must be an array", Join(path, key)));
  return &v->get_array();
}

model::Severity LevelToSeverity(std::string_view level) {
  if (level == "fatal") return model::Severity::kCritical;
  if (level == "error") return model::Severity::kHigh;
  if (level == "warning") return model::Severity::kMedium;
  if (level == "info" || level == "debug") return model::Severity::kInfo;
  return model::Severity::kUnknown;
}

// The project slug in a Sentry URL: /api/0/projects/<org>/<slug>/... (an event's API url),
// /projects/<org>/<slug>/..., or /organizations/<org>/projects/<slug>/... (the org is already
// named, so the slug comes next). "" when the URL names no project, as in
// /organizations/<org>/issues/<id>/.
std::string ProjectFromUrl(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  if (size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    size_t path_start = url.find('/', scheme + 3);
    url = path_start == std::string_view::npos ? std::string_view() : url.substr(path_start);
  }
  std::vector<std::string_view> segments;
  while (!url.empty()) {
    size_t slash = url.find('/');
    std::string_view segment = url.substr(0, slash);
    if (!segment.empty()) segments.push_back(segment);
    url = slash == std::string_view::npos ? std::string_view() : url.substr(slash + 1);
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i] != "projects") continue;
    bool org_named_before =
        i >= 2 && (segments[i - 2] == "organizations" || segments[i - 2] == "settings");
    size_t slug_at = org_named_before ? i + 1 : i + 2;
    if (slug_at < segments.size()) return std::string(segments[slug_at]);
  }
  return {};
}

// The frames of one exception value as compact evidence JSON:
// [{"function","file","line","in_app"}, ...], innermost first (Sentry lists them outermost
// first), at most kMaxEvidenceFrames. "" when the exception has no stack trace.
Result<std::string> FramesJson(const json::object& exception_value, const std::string& path) {
  QUELL_ASSIGN_OR_RETURN(const json::object* stacktrace,
                         OptionalObject(exception_value, "stacktrace", path));
  if (!stacktrace) return std::string();
  const std::string st_path = Join(path, "stacktrace");
  QUELL_ASSIGN_OR_RETURN(const json::array* frames, OptionalArray(*stacktrace, "frames", st_path));
  if (!frames || frames->empty()) return std::string();
  json::array out;
  for (size_t i = frames->size(); i-- > 0 && out.size() < kMaxEvidenceFrames;) {
    const std::string frame_path = st_path + ".frames[" + std::to_string(i) + "]";
    if (!(*frames)[i].is_object())
      return Error(InvalidArgument(frame_path + " must be an object", frame_path));
    const json::object& frame = (*frames)[i].get_object();
    QUELL_ASSIGN_OR_RETURN(std::string function, OptionalString(frame, "function", frame_path));
    QUELL_ASSIGN_OR_RETURN(std::string file, OptionalString(frame, "filename", frame_path));
    if (file.empty()) {
      QUELL_ASSIGN_OR_RETURN(file, OptionalString(frame, "abs_path", frame_path));
    }
    json::object evidence{{"function", function}, {"file", file}};
    if (const json::value* line = Find(frame, "lineno")) {
      const std::string line_path = Join(frame_path, "lineno");
      QUELL_ASSIGN_OR_RETURN(double number, ReadNumber(*line, line_path));
      // Checked on the double: converting one outside int64's range is undefined behaviour.
      if (!(number >= 0 && number <= std::numeric_limits<int32_t>::max()))
        return Error(InvalidArgument(line_path + " must be a line number", line_path));
      evidence["line"] = static_cast<int64_t>(number);
    }
    if (const json::value* in_app = Find(frame, "in_app")) {
      if (!in_app->is_bool())
        return Error(InvalidArgument(Join(frame_path, "in_app") + " must be true or false",
                                     Join(frame_path, "in_app")));
      evidence["in_app"] = in_app->get_bool();
    }
    out.push_back(std::move(evidence));
  }
  return json::serialize(out);
}

// Error text, stack evidence, tags, environment, release and start time from a Sentry event
// object (data.event of an issue alert, event of the legacy plugin).
Status FillFromEvent(const json::object& event, const std::string& path,
                     model::NormalizedAlert& out) {
  QUELL_ASSIGN_OR_RETURN(const json::object* exception, OptionalObject(event, "exception", path));
  if (exception) {
    const std::string values_path = Join(path, "exception.values");
    const json::value* values = Find(*exception, "values");
    if (!values || !values->is_array())
      return InvalidArgument(values_path + " must be an array", values_path);
    const json::array& list = values->get_array();
    if (!list.empty()) {
      // Chained exceptions are listed oldest first: the last one is what the code raised.
      const std::string last_path = values_path + "[" + std::to_string(list.size() - 1) + "]";
      if (!list.back().is_object())
        return InvalidArgument(last_path + " must be an object", last_path);
      const json::object& last = list.back().get_object();
      QUELL_ASSIGN_OR_RETURN(std::string type, OptionalString(last, "type", last_path));
      QUELL_ASSIGN_OR_RETURN(std::string value, OptionalString(last, "value", last_path));
      out.message = type.empty() ? value : value.empty() ? type : type + ": " + value;
      if (!type.empty()) out.labels["exception_type"] = type;
      QUELL_ASSIGN_OR_RETURN(std::string frames, FramesJson(last, last_path));
      if (!frames.empty()) out.annotations["stacktrace"] = std::move(frames);
    }
  }

  QUELL_ASSIGN_OR_RETURN(const json::array* tags, OptionalArray(event, "tags", path));
  for (size_t i = 0; tags && i < tags->size(); ++i) {
    const std::string tag_path = Join(path, "tags") + "[" + std::to_string(i) + "]";
    const json::value& tag = (*tags)[i];
    if (!tag.is_array() || tag.get_array().size() != 2 || !tag.get_array()[0].is_string())
      return InvalidArgument(tag_path + " must be a [key, value] pair", tag_path);
    const json::value& value = tag.get_array()[1];
    // Only string values become labels; Sentry sends null for tags without one.
    if (value.is_string() && !value.get_string().empty())
      out.labels[std::string(tag.get_array()[0].get_string())] = std::string(value.get_string());
  }

  QUELL_ASSIGN_OR_RETURN(out.environment, OptionalString(event, "environment", path));
  if (out.environment.empty()) {
    if (auto it = out.labels.find("environment"); it != out.labels.end())
      out.environment = it->second;
  }
  QUELL_ASSIGN_OR_RETURN(out.deploy, OptionalString(event, "release", path));
  if (const json::value* datetime = Find(event, "datetime")) {
    QUELL_ASSIGN_OR_RETURN(out.starts_at, ReadTimestamp(*datetime, Join(path, "datetime")));
  } else if (const json::value* timestamp = Find(event, "timestamp")) {
    QUELL_ASSIGN_OR_RETURN(out.starts_at, ReadTimestamp(*timestamp, Join(path, "timestamp")));
  }
  return Status::Ok();
}

// What every Sentry payload names about its issue, applied the same way for all three shapes.
struct IssueFacts {
  std::string issue_id;
  std::string title;
  std::string level;
  std::string project;  // slug (or name when there is no slug); "" when unknown
  std::string url;
  std::string culprit;
};

void ApplyIssueFacts(const IssueFacts& facts, model::NormalizedAlert& out) {
  out.source = "sentry";
  // One identity per Sentry issue, so issue.resolved resolves what event_alert fired.
  out.fingerprint = "sentry-issue-" + facts.issue_id;
  out.name = facts.title;
  if (out.message.empty()) out.message = facts.title;
  out.severity = LevelToSeverity(facts.level);
  if (!facts.project.empty()) {
    out.service = facts.project;
  } else if (auto it = out.labels.find("service"); it != out.labels.end()) {
    out.service = it->second;
  } else {
    out.service = "sentry";
  }
  out.labels["sentry_issue_id"] = facts.issue_id;
  if (!facts.project.empty()) out.labels["sentry_project"] = facts.project;
  if (!facts.url.empty()) out.annotations["url"] = facts.url;
  if (!facts.culprit.empty()) out.annotations["culprit"] = facts.culprit;
}

Status ParseEventAlert(const json::object& root, model::NormalizedAlert& out) {
  QUELL_ASSIGN_OR_RETURN(const json::object* data, RequiredObject(root, "data", ""));
  QUELL_ASSIGN_OR_RETURN(const json::object* event, RequiredObject(*data, "event", "data"));
  const std::string path = "data.event";
  IssueFacts facts;
  QUELL_ASSIGN_OR_RETURN(facts.issue_id, RequiredId(*event, "issue_id", path));
  QUELL_RETURN_IF_ERROR(FillFromEvent(*event, path, out));
  QUELL_ASSIGN_OR_RETURN(facts.title, OptionalString(*event, "title", path));
  QUELL_ASSIGN_OR_RETURN(facts.level, OptionalString(*event, "level", path));
  QUELL_ASSIGN_OR_RETURN(facts.culprit, OptionalString(*event, "culprit", path));
  QUELL_ASSIGN_OR_RETURN(facts.url, OptionalString(*event, "web_url", path));
  QUELL_ASSIGN_OR_RETURN(std::string issue_url, OptionalString(*event, "issue_url", path));
  if (facts.url.empty()) facts.url = issue_url;
  // data.event.project is Sentry's numeric project id; the slug is in the event's API url.
  QUELL_ASSIGN_OR_RETURN(facts.project, OptionalString(*event, "project_slug", path));
  QUELL_ASSIGN_OR_RETURN(std::string api_url, OptionalString(*event, "url", path));
  if (facts.project.empty()) facts.project = ProjectFromUrl(api_url);
  if (facts.project.empty()) facts.project = ProjectFromUrl(facts.url);
  QUELL_ASSIGN_OR_RETURN(std::string rule, OptionalString(*data, "triggered_rule", "data"));
  if (!rule.empty()) out.annotations["triggered_rule"] = rule;
  ApplyIssueFacts(facts, out);
  return Status::Ok();
}

Status ParseIssue(const json::object& root, model::NormalizedAlert& out) {
  QUELL_ASSIGN_OR_RETURN(std::string action, OptionalString(root, "action", ""));
  if (action == "resolved" || action == "ignored" || action == "archived") {
    out.status = model::AlertStatus::kResolved;
  } else if (action == "created" || action == "unresolved" || action == "assigned") {
    out.status = model::AlertStatus::kFiring;
  } else {
    return InvalidArgument(
        "action must be created, unresolved, assigned, resolved, ignored or archived", "action");
  }
  QUELL_ASSIGN_OR_RETURN(const json::object* data, RequiredObject(root, "data", ""));
  QUELL_ASSIGN_OR_RETURN(const json::object* issue, RequiredObject(*data, "issue", "data"));
  const std::string path = "data.issue";
  IssueFacts facts;
  QUELL_ASSIGN_OR_RETURN(facts.issue_id, RequiredId(*issue, "id", path));
  QUELL_ASSIGN_OR_RETURN(facts.title, OptionalString(*issue, "title", path));
  QUELL_ASSIGN_OR_RETURN(facts.level, OptionalString(*issue, "level", path));
  QUELL_ASSIGN_OR_RETURN(facts.culprit, OptionalString(*issue, "culprit", path));
  QUELL_ASSIGN_OR_RETURN(const json::object* project, OptionalObject(*issue, "project", path));
  if (project) {
    QUELL_ASSIGN_OR_RETURN(facts.project, OptionalString(*project, "slug", path + ".project"));
    if (facts.project.empty()) {
      QUELL_ASSIGN_OR_RETURN(facts.project, OptionalString(*project, "name", path + ".project"));
    }
  }
  QUELL_ASSIGN_OR_RETURN(facts.url, OptionalString(*issue, "web_url", path));
  QUELL_ASSIGN_OR_RETURN(std::string permalink, OptionalString(*issue, "permalink", path));
  if (facts.url.empty()) facts.url = permalink;
  if (const json::value* first_seen = Find(*issue, "firstSeen")) {
    QUELL_ASSIGN_OR_RETURN(out.starts_at, ReadTimestamp(*first_seen, path + ".firstSeen"));
  }
  ApplyIssueFacts(facts, out);
  return Status::Ok();
}

Status ParseLegacyPlugin(const json::object& root, model::NormalizedAlert& out) {
  IssueFacts facts;
  QUELL_ASSIGN_OR_RETURN(facts.issue_id, RequiredId(root, "id", ""));
  QUELL_ASSIGN_OR_RETURN(const json::object* event, OptionalObject(root, "event", ""));
  if (event) {
    QUELL_RETURN_IF_ERROR(FillFromEvent(*event, "event", out));
    QUELL_ASSIGN_OR_RETURN(facts.title, OptionalString(*event, "title", "event"));
  }
  QUELL_ASSIGN_OR_RETURN(std::string message, OptionalString(root, "message", ""));
  if (facts.title.empty()) facts.title = message;
  QUELL_ASSIGN_OR_RETURN(facts.level, OptionalString(root, "level", ""));
  QUELL_ASSIGN_OR_RETURN(facts.culprit, OptionalString(root, "culprit", ""));
  QUELL_ASSIGN_OR_RETURN(facts.url, OptionalString(root, "url", ""));
  // "project" is the slug too; project_name only when neither is sent.
  for (const char* key : {"project_slug", "project", "project_name"}) {
    if (!facts.project.empty()) break;
    QUELL_ASSIGN_OR_RETURN(facts.project, OptionalString(root, key, ""));
  }
  // The plugin sends the names of the rules that fired as "triggering_rules".
  std::string rules;
  QUELL_ASSIGN_OR_RETURN(const json::array* triggering,
                         OptionalArray(root, "triggering_rules", ""));
  for (size_t i = 0; triggering && i < triggering->size(); ++i) {
    QUELL_ASSIGN_OR_RETURN(
        std::string name,
        ReadString((*triggering)[i], "triggering_rules[" + std::to_string(i) + "]"));
    if (name.empty()) continue;
    rules += rules.empty() ? name : ", " + name;
  }
  if (rules.empty()) {
    QUELL_ASSIGN_OR_RETURN(rules, OptionalString(root, "triggered_rule", ""));
  }
  if (!rules.empty()) out.annotations["triggered_rule"] = rules;
  ApplyIssueFacts(facts, out);
  return Status::Ok();
}

}  // namespace

AdapterResult ParseSentryWebhook(std::string_view body, std::string_view hook_resource) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonBody(body));
  if (!root.is_object())
    return Error(InvalidArgument("a Sentry webhook body is a JSON object", "body"));
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
  // One payload is one alert, so a bad payload is a body-level error rather than an item error.
  if (!status.ok()) return Error(std::move(status));
  out.raw_json = json::serialize(root);
  return output;
}

}  // namespace quell::ingest
