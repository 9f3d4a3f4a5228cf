// Status and Result<T>: errors as values across module boundaries.
//
// A Status is a code plus a human message, and optionally the input field it is about
// (e.g. "alerts[3].service"), so that HTTP handlers can name the field in their 4xx body.
// Result<T> is tl::expected<T, Status>. Both are cheap to move and thread-compatible.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace quell {

enum class StatusCode {
  kOk,
  kInvalidArgument,   // bad input: maps to 400/422
  kNotFound,          // 404
  kAlreadyExists,     // 409
  kConflict,          // 409: state does not allow the action
  kUnauthenticated,   // 401
  kPermissionDenied,  // 403
  kResourceExhausted, // 413/429
  kUnavailable,       // transient: retry later (503)
  kAborted,           // a concurrent writer (another node on the database) conflicted with this
                      // transaction: running the whole transaction again may succeed (503)
  kInternal,          // a bug or an environment failure (500)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  // Lets `return Error(status);` work in functions returning Status as well as Result<T>.
  Status(tl::unexpected<Status> error) : Status(std::move(error.value())) {}  // NOLINT

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The input field the error is about, or empty.
  const std::string& field() const { return field_; }

  // "invalid_argument: message (field: x)" for logs and tests.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

// Short snake_case name of a code, used in JSON error bodies ("invalid_argument").
const char* StatusCodeName(StatusCode code);

inline Status InvalidArgument(std::string message, std::string field = {}) {
  return {StatusCode::kInvalidArgument, std::move(message), std::move(field)};
}
inline Status NotFound(std::string message) { return {StatusCode::kNotFound, std::move(message)}; }
inline Status Conflict(std::string message) { return {StatusCode::kConflict, std::move(message)}; }
inline Status Internal(std::string message) { return {StatusCode::kInternal, std::move(message)}; }
inline Status Unavailable(std::string message) {
  return {StatusCode::kUnavailable, std::move(message)};
}
inline Status Aborted(std::string message) { return {StatusCode::kAborted, std::move(message)}; }

template <typename T>
using Result = tl::expected<T, Status>;

// Builds the error side of a Result: `return Error(InvalidArgument("..."));`
inline tl::unexpected<Status> Error(Status status) { return tl::unexpected<Status>(std::move(status)); }

}  // namespace quell

// Propagates a non-ok Status (from an expression returning Status) out of a function returning
// Status or Result<T>.
#define QUELL_RETURN_IF_ERROR(expr)                                   \
  do {                                                                \
    ::quell::Status quell_status_ = (expr);                           \
    if (!quell_status_.ok()) return ::quell::Error(std::move(quell_status_)); \
  } while (0)

#define QUELL_CONCAT_INNER(a, b) a##b
#define QUELL_CONCAT(a, b) QUELL_CONCAT_INNER(a, b)
// `QUELL_ASSIGN_OR_RETURN(auto x, ResultReturningCall());` declares x from the value, or returns
// the error out of a function returning Status or Result<T>.
#define QUELL_ASSIGN_OR_RETURN(lhs, expr)                                     \
  auto QUELL_CONCAT(quell_result_, __LINE__) = (expr);                       \
  if (!QUELL_CONCAT(quell_result_, __LINE__))                                \
    return ::quell::Error(std::move(QUELL_CONCAT(quell_result_, __LINE__).error())); \
  lhs = std::move(*QUELL_CONCAT(quell_result_, __LINE__))
