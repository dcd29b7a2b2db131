#include "common/pg/errors.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

namespace nml::common {
namespace {

absl::StatusCode CodeFor(const char* sqlstate) {
  return StatusFromException(pqxx::sql_error("boom", "SELECT 1", sqlstate))
      .code();
}

TEST(StatusFromException, MapsDatabaseErrorsToCodesClientsCanActOn) {
  EXPECT_EQ(StatusFromException(pqxx::broken_connection("gone")).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeFor("57014"), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(CodeFor("40001"), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeFor("40P01"), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeFor("23505"), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeFor("23503"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeFor("57P01"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeFor("42601"), absl::StatusCode::kInternal);
}

TEST(StatusFromException, KeepsSqlOutOfInternalMessages) {
  const absl::Status status = StatusFromException(pqxx::sql_error(
      "syntax error at SELECT secret", "SELECT secret", "42601"));
  EXPECT_EQ(status.message(), "internal database error");
}

}  // namespace
}  // namespace nml::common
