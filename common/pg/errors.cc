#include "common/pg/errors.h"

#include <spdlog/spdlog.h>

#include <pqxx/except>
#include <string>
#include <string_view>

namespace nml::common {

namespace {

absl::Status FromSqlState(const std::string& state, const char* what) {
  const std::string_view s(state);
  if (s == "57014") {
    return absl::DeadlineExceededError("database statement timed out");
  }
  if (s == "40001" || s == "40P01" || s == "55P03") {
    return absl::AbortedError(
        "concurrent modification in the database; retry the request");
  }
  if (s == "23505") return absl::AlreadyExistsError("resource already exists");
  if (s == "23503" || s == "23001") {
    return absl::FailedPreconditionError(
        "resource is referenced by, or refers to, another resource");
  }
  // No SQLSTATE: the error came from the connection, not a statement (the
  // server went away mid-query).
  if (s.empty() || s.starts_with("08") || s.starts_with("57P") ||
      s == "53300") {
    return absl::UnavailableError("database unavailable");
  }
  if (s.starts_with("22") || s == "23502" || s == "23514") {
    return absl::InvalidArgumentError("value rejected by the database");
  }
  spdlog::error("database error sqlstate={} detail={}", state, what);
  return absl::InternalError("internal database error");
}

}  // namespace

absl::Status StatusFromException(const std::exception& error) {
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) {
    return absl::UnavailableError("database unavailable");
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) {
    return FromSqlState(sql->sqlstate(), sql->what());
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr) {
    return absl::UnavailableError(
        "database connection lost during commit; the outcome is unknown");
  }
  spdlog::error("internal error: {}", error.what());
  return absl::InternalError("internal error");
}

}  // namespace nml::common
