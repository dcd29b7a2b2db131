#include "services/responses/target_checker.h"

#include <absl/strings/str_cat.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "common/names.h"

namespace nml::responses {

namespace lv1 = listings::v1;

namespace {

constexpr char kRetryServiceConfig[] = R"({
  "methodConfig": [{
    "name": [{"service": "nml.listings.v1.ListingsService"}],
    "retryPolicy": {
      "maxAttempts": 4,
      "initialBackoff": "0.05s",
      "maxBackoff": "0.5s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})";

absl::Status FromGrpc(const grpc::Status& status, const std::string& what) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return absl::OkStatus();
    case grpc::StatusCode::NOT_FOUND:
      return absl::NotFoundError(
          absl::StrCat(what, " does not exist in the listings service"));
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(
          absl::StrCat("the listings service is unavailable (checking ", what,
                       "): ", status.error_message()));
    default:
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("listings service, checking ", what,
                                       ": ", status.error_message()));
  }
}

}  // namespace

ListingsTargetChecker::ListingsTargetChecker(
    std::shared_ptr<grpc::Channel> channel, std::string token)
    : stub_(lv1::ListingsService::NewStub(std::move(channel))),
      token_(std::move(token)) {}

void ListingsTargetChecker::Prepare(
    grpc::ClientContext& context,
    std::chrono::system_clock::time_point deadline) const {
  context.set_deadline(deadline);
  if (!token_.empty()) context.AddMetadata("authorization", "Bearer " + token_);
}

std::shared_ptr<grpc::Channel> ListingsTargetChecker::MakeChannel(
    const std::string& address,
    std::shared_ptr<grpc::ChannelCredentials> credentials) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(kRetryServiceConfig);
  // Every address the name resolves to (a headless Service's pods) in turn.
  args.SetLoadBalancingPolicyName("round_robin");
  return grpc::CreateCustomChannel(address, std::move(credentials), args);
}

absl::Status ListingsTargetChecker::CheckTargets(
    const std::vector<std::string>& targets, const std::string& field,
    std::chrono::system_clock::time_point deadline) {
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string& target = targets[i];
    const std::string what = absl::StrCat(field, "[", i, "] (", target, ")");
    grpc::ClientContext context;
    Prepare(context, deadline);
    grpc::Status status;
    if (common::ParseReviewName(target)) {
      lv1::GetReviewRequest request;
      request.set_name(target);
      lv1::GetReviewResponse response;
      status = stub_->GetReview(&context, request, &response);
    } else if (common::ParseMarketName(target)) {
      lv1::GetMarketRequest request;
      request.set_name(target);
      lv1::GetMarketResponse response;
      status = stub_->GetMarket(&context, request, &response);
    } else if (common::ParseListingName(target)) {
      lv1::GetListingRequest request;
      request.set_name(target);
      lv1::GetListingResponse response;
      status = stub_->GetListing(&context, request, &response);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          field, "[", i, "]: '", target,
          "' is not a review, market or listing name (reviews/{year}, "
          "markets/{market}, reviews/{year}/listings/{market})"));
    }
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: ", status.error_message()));
    }
    if (auto result = FromGrpc(status, what); !result.ok()) return result;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ListingsTargetChecker::FindMarket(
    const std::string& text, std::chrono::system_clock::time_point deadline) {
  grpc::ClientContext context;
  Prepare(context, deadline);
  lv1::SearchMarketsRequest request;
  request.set_query(text);
  request.set_page_size(1);
  lv1::SearchMarketsResponse response;
  const grpc::Status status =
      stub_->SearchMarkets(&context, request, &response);
  if (auto result = FromGrpc(status, absl::StrCat("'", text, "'"));
      !result.ok()) {
    return result;
  }
  // Exact (1.0) or exact once a qualifier is set aside (0.95): no guesses.
  if (response.hits_size() == 0 || response.hits(0).score() < 0.95) {
    return absl::NotFoundError(
        absl::StrCat("no market is called '", text, "'"));
  }
  return response.hits(0).market().name();
}

}  // namespace nml::responses
