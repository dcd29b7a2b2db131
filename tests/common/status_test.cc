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

TEST(EtagMismatch, IsAbortedWithAnErrorInfoReasonClientsCanRead) {
  EXPECT_TRUE(CheckEtag("", "7", "review.etag").ok());  // no precondition
  EXPECT_TRUE(CheckEtag("7", "7", "review.etag").ok());
  const absl::Status stale = CheckEtag("6", "7", "review.etag");
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(stale.message().substr(0, 13), "review.etag: ");
  const grpc::Status wire = ToGrpcStatus(stale);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(ErrorInfoReasons(wire),
            std::vector<std::string>{kEtagMismatchReason});
  // Other errors carry no details.
  EXPECT_TRUE(ToGrpcStatus(absl::NotFoundError("x")).error_details().empty());
  EXPECT_TRUE(ErrorInfoReasons(grpc::Status(grpc::StatusCode::ABORTED, "x",
                                            "not a google.rpc.Status"))
                  .empty());
}

}  // namespace
}  // namespace nml::common
