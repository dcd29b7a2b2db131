#include "common/status.h"

#include <gtest/gtest.h>

namespace nml::common {
namespace {

TEST(ToGrpcStatus, KeepsCodeAndMessage) {
  const grpc::Status status =
      ToGrpcStatus(FieldError("review.year", "must be between 2006 and 2100"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "review.year: must be between 2006 and 2100");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace nml::common
