#include "ingest/log_batch.h"

#include <boost/json.hpp>

#include "common/time_format.h"
#include "ingest/json_body.h"

namespace quell::ingest {
namespace {

namespace json = boost::json;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "2026-11-24T05:12:02Z ERROR message" -> ts, level, message (best effort).
void SplitLeadingHeader(std::string_view line, model::LogEntry& entry) {
  size_t space = line.find(' ');
  if (space != std::string_view::npos && space >= 19) {
    if (auto ts = ParseRfc3339(line.substr(0, space)); ts) {
      entry.ts = *ts;
      line.remove_prefix(space + 1);
    }
  }
  static constexpr std::string_view kLevels[] = {"FATAL", "ERROR", "WARN", "WARNING", "INFO",
                                                 "DEBUG", "TRACE", "CRITICAL"};
  for (auto level : kLevels) {
    if (StartsWith(line, level) && (line.size() == level.size() || line[level.size()] == ' ' ||
                                    line[level.size()] == ':')) {
      entry.level = std::string(level);
      line.remove_prefix(std::min(line.size(), level.size() + 1));
      while (!line.empty() && (line.front() == ' ' || line.front() == ':')) line.remove_prefix(1);
      break;
    }
  }
  entry.message = std::string(line);
}

Status ReadEntry(const json::object& o, const std::string& path, TimeMs now,
                 model::LogEntry& entry) {
  if (const json::value* ts = o.if_contains("ts"); ts && !ts->is_null()) {
    QUELL_ASSIGN_OR_RETURN(entry.ts, ReadTimestamp(*ts, path + ".ts"));
  } else {
    entry.ts = now;
  }
  if (const json::value* level = o.if_contains("level"); level && !level->is_null()) {
    QUELL_ASSIGN_OR_RETURN(entry.level, ReadString(*level, path + ".level", 32));
  }
  const json::value* message = o.if_contains("message");
  const char* key = "message";
  if (!message) {
    message = o.if_contains("line");
    key = "line";
  }
  if (!message) return InvalidArgument(path + ".message is required", path + ".message");
  QUELL_ASSIGN_OR_RETURN(entry.message, ReadString(*message, path + "." + key, 64 * 1024));
  return Status::Ok();
}

Result<std::string> ReadService(const json::object& o, const std::string& path) {
  const json::value* service = o.if_contains("service");
  if (!service || (service->is_string() && service->get_string().empty()))
    return Error(InvalidArgument(path + "service is required", path + "service"));
  return ReadString(*service, path + "service", 256);
}

}  // namespace

bool IsContinuationLine(std::string_view line) {
  if (line.empty()) return false;
  if (line.front() == ' ' || line.front() == '\t') return true;
  for (std::string_view p : {"at ", "Caused by:", "Suppressed:", "... ", "Traceback ",
                             "File \"", "goroutine ", "created by ", "During handling",
                             "The above exception", "  File"})
    if (StartsWith(line, p)) return true;
  // "java.lang.IllegalStateException: msg" under the log line that reported it.
  std::string_view head = line.substr(0, line.find_first_of(": "));
  if (head.find('.') != std::string_view::npos &&
      (head.ends_with("Exception") || head.ends_with("Error") || head.ends_with("Throwable")))
    return true;
  // The final line of a Python traceback ("ValueError: bad") follows an indented frame; it is
  // glued by the caller when the previous entry is an open traceback.
  return false;
}

std::vector<model::LogEntry> LinesToEntries(const std::string& service,
                                            const std::vector<std::string>& lines, TimeMs now) {
  std::vector<model::LogEntry> out;
  bool in_traceback = false;
  for (const auto& line : lines) {
    if (line.empty()) continue;
    const bool python_tail = in_traceback && !line.empty() && line.front() != ' ' &&
                             line.find(": ") != std::string::npos &&
                             line.find(' ') > line.find(':');
    if (!out.empty() && (IsContinuationLine(line) || python_tail)) {
      out.back().message += "\n" + line;
      if (StartsWith(line, "Traceback ")) in_traceback = true;
      if (python_tail) in_traceback = false;
      continue;
    }
    model::LogEntry entry;
    entry.service = service;
    entry.ts = now;
    SplitLeadingHeader(line, entry);
    in_traceback = entry.message.find("Traceback (most recent call last)") != std::string::npos;
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::vector<model::LogEntry>> ParseLogJson(std::string_view body, TimeMs now) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonBody(body));
  if (!root.is_object()) return Error(InvalidArgument("the body must be a JSON object", "body"));
  const json::object& o = root.get_object();
  QUELL_ASSIGN_OR_RETURN(std::string service, ReadService(o, ""));
  if (const json::value* lines = o.if_contains("lines")) {
    if (!lines->is_array()) return Error(InvalidArgument("lines must be an array of strings", "lines"));
    std::vector<std::string> text;
    for (size_t i = 0; i < lines->get_array().size(); ++i) {
      QUELL_ASSIGN_OR_RETURN(std::string line,
                             ReadString(lines->get_array()[i], "lines[" + std::to_string(i) + "]",
                                        64 * 1024));
      text.push_back(std::move(line));
    }
    return LinesToEntries(service, text, now);
  }
  const json::value* entries = o.if_contains("entries");
  if (!entries) return Error(InvalidArgument("lines or entries is required", "lines"));
  if (!entries->is_array()) return Error(InvalidArgument("entries must be an array", "entries"));
  std::vector<model::LogEntry> out;
  out.reserve(entries->get_array().size());
  for (size_t i = 0; i < entries->get_array().size(); ++i) {
    const std::string path = "entries[" + std::to_string(i) + "]";
    const auto& item = entries->get_array()[i];
    if (!item.is_object()) return Error(InvalidArgument(path + " must be an object", path));
    model::LogEntry entry;
    entry.service = service;
    QUELL_RETURN_IF_ERROR(ReadEntry(item.get_object(), path, now, entry));
    out.push_back(std::move(entry));
  }
  return out;
}

Result<model::LogEntry> ParseLogNdjsonLine(std::string_view line, size_t line_no, TimeMs now) {
  const std::string where = "line " + std::to_string(line_no);
  auto value = ParseJsonBody(line);
  if (!value) return Error(InvalidArgument(where + ": " + value.error().message(), where));
  if (!value->is_object()) return Error(InvalidArgument(where + " must be a JSON object", where));
  model::LogEntry entry;
  QUELL_ASSIGN_OR_RETURN(entry.service, ReadService(value->get_object(), where + "."));
  QUELL_RETURN_IF_ERROR(ReadEntry(value->get_object(), where, now, entry));
  return entry;
}

Result<std::vector<model::LogEntry>> ParseLogNdjson(std::string_view body, TimeMs now) {
  std::vector<model::LogEntry> out;
  size_t line_no = 0;
  while (!body.empty()) {
    size_t end = body.find('\n');
    std::string_view line = body.substr(0, end);
    body.remove_prefix(end == std::string_view::npos ? body.size() : end + 1);
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    QUELL_ASSIGN_OR_RETURN(auto entry, ParseLogNdjsonLine(line, line_no, now));
    out.push_back(std::move(entry));
    if (out.size() > kMaxLogEntriesPerRequest)
      return Error(InvalidArgument("too many log entries in one request", "body"));
  }
  if (out.empty()) return Error(InvalidArgument("no log entries in the body", "body"));
  return out;
}

}  // namespace quell::ingest
