#include "common/api/status.h"

#include <absl/strings/str_cat.h>
#include <gtest/gtest.h>

#include "common/grpc/request_check.h"
#include "nml/listings/v1/listings_service.pb.h"

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

TEST(ToGrpcStatus, CutsAMessageThatEchoesHugeInputAtACharacter) {
  // 'é' is two bytes: the cut must not split one.
  std::string input;
  for (int i = 0; i < 50000; ++i) input += "é";
  const grpc::Status status =
      ToGrpcStatus(FieldError("order_by", absl::StrCat("'", input, "'")));
  EXPECT_LE(status.error_message().size(), kMaxStatusMessageBytes);
  EXPECT_TRUE(status.error_message().starts_with("order_by: 'éé"));
  EXPECT_TRUE(status.error_message().ends_with("é..."))
      << status.error_message();
}

TEST(WithoutChannelDetail, HidesTheAddressOfAnUnreachableBackendOnly) {
  for (const char* channel :
       {"failed to connect to all addresses; last error: UNKNOWN: "
        "ipv4:10.0.0.7:50052: Failed to connect to remote host: Connection "
        "refused",
        "connections to all backends failing; last error: UNKNOWN: "
        "ipv4:127.0.0.1:50052: Connection refused",
        "DNS resolution failed for nml-responses:50052: C-ares status is not "
        "ARES_SUCCESS",
        "empty address list: "}) {
    const grpc::Status shown = common::WithoutChannelDetail(
        grpc::Status(grpc::StatusCode::UNAVAILABLE, channel));
    EXPECT_EQ(shown.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(shown.error_message(),
              "a backend service is unreachable; retry shortly")
        << channel;
  }
  // A server's own words, and other codes, pass unchanged.
  const grpc::Status database(grpc::StatusCode::UNAVAILABLE,
                              "database unavailable");
  EXPECT_EQ(common::WithoutChannelDetail(database).error_message(),
            "database unavailable");
  const grpc::Status not_found(grpc::StatusCode::NOT_FOUND,
                               "no market ipv4:1.2.3.4");
  EXPECT_EQ(common::WithoutChannelDetail(not_found).error_message(),
            "no market ipv4:1.2.3.4");
}

TEST(CheckNoNul, NamesThePathOfTheFirstStringWithANul) {
  listings::v1::ImportReviewRequest request;
  request.mutable_review()->set_year(2021);
  EXPECT_TRUE(CheckNoNul(request).ok());
  request.add_listings()->set_market_display_name("Taobao");
  auto* listing = request.add_listings();
  listing->set_market_display_name("Pinduoduo");
  listing->add_domains()->set_pattern("pinduoduo.com");
  listing->add_domains()->set_pattern(std::string("yangkeduo.com\0x", 15));
  const absl::Status status = CheckNoNul(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "listings[1].domains[1].pattern: must not contain NUL characters");
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
  EXPECT_TRUE(ErrorInfoReasons(grpc::Status(grpc::StatusCode::ABORTED, "x",
                                            "not a google.rpc.Status"))
                  .empty());
}

// AIP-193: a client branches on the reason, whatever the error.
TEST(ToGrpcStatus, EveryErrorCarriesAnErrorInfoReason) {
  EXPECT_EQ(ErrorInfoReasons(ToGrpcStatus(absl::UnavailableError("down"))),
            std::vector<std::string>{"UNAVAILABLE"});
  EXPECT_EQ(ErrorInfoReasons(ToGrpcStatus(FieldError("page_size", "< 0"))),
            std::vector<std::string>{"INVALID_ARGUMENT"});
  EXPECT_EQ(ErrorInfoReasons(ToGrpcStatus(absl::NotFoundError("x"))),
            std::vector<std::string>{kResourceNotFoundReason});
  // A missing resource's name goes with its reason, and its ResourceInfo.
  const grpc::Status missing =
      ToGrpcStatus(ResourceNotFound("markets/nope", "markets/nope not found"));
  EXPECT_EQ(ErrorInfoReasons(missing),
            std::vector<std::string>{kResourceNotFoundReason});
  EXPECT_EQ(MissingResources(missing),
            std::vector<std::string>{"markets/nope"});
}

}  // namespace
}  // namespace nml::common
