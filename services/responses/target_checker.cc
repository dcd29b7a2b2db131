#include "services/responses/target_checker.h"

#include <absl/strings/str_cat.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <charconv>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "common/names.h"

namespace nml::responses {

namespace lv1 = listings::v1;

// AIP-231's usual bound on a batch get, which nml-listings enforces.
constexpr size_t kMaxBatch = 1000;

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
  // One batch get per kind of target and per 1000 names, all in flight at
  // once: 50 targets cost one round trip, not 50.
  enum Kind { kReview, kMarket, kListing };
  struct Batch {
    Kind kind;
    std::vector<size_t> positions;  // in `targets`
    grpc::ClientContext context;
    grpc::Status status;
  };
  std::vector<std::unique_ptr<Batch>> batches;
  Batch* open[3] = {nullptr, nullptr, nullptr};
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string& target = targets[i];
    std::optional<Kind> kind;
    if (common::ParseReviewName(target)) {
      kind = kReview;
    } else if (common::ParseMarketName(target)) {
      kind = kMarket;
    } else if (common::ParseListingName(target)) {
      kind = kListing;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          field, "[", i, "]: '", target,
          "' is not a review, market or listing name (reviews/{year}, "
          "markets/{market}, reviews/{year}/listings/{market})"));
    }
    Batch*& batch = open[*kind];
    if (batch == nullptr || batch->positions.size() == kMaxBatch) {
      batches.push_back(std::make_unique<Batch>());
      batch = batches.back().get();
      batch->kind = *kind;
    }
    batch->positions.push_back(i);
  }

  std::mutex mu;
  std::condition_variable done;
  size_t pending = batches.size();
  std::vector<lv1::BatchGetReviewsRequest> review_requests(batches.size());
  std::vector<lv1::BatchGetMarketsRequest> market_requests(batches.size());
  std::vector<lv1::BatchGetListingsRequest> listing_requests(batches.size());
  std::vector<lv1::BatchGetReviewsResponse> review_responses(batches.size());
  std::vector<lv1::BatchGetMarketsResponse> market_responses(batches.size());
  std::vector<lv1::BatchGetListingsResponse> listing_responses(batches.size());
  for (size_t b = 0; b < batches.size(); ++b) {
    Batch& batch = *batches[b];
    Prepare(batch.context, deadline);
    auto finish = [&, b](grpc::Status status) {
      std::lock_guard lock(mu);
      batches[b]->status = std::move(status);
      if (--pending == 0) done.notify_all();
    };
    switch (batch.kind) {
      case kReview:
        for (size_t i : batch.positions)
          review_requests[b].add_names(targets[i]);
        stub_->async()->BatchGetReviews(&batch.context, &review_requests[b],
                                        &review_responses[b], finish);
        break;
      case kMarket:
        for (size_t i : batch.positions)
          market_requests[b].add_names(targets[i]);
        stub_->async()->BatchGetMarkets(&batch.context, &market_requests[b],
                                        &market_responses[b], finish);
        break;
      case kListing:
        listing_requests[b].set_parent("reviews/-");
        for (size_t i : batch.positions) {
          listing_requests[b].add_names(targets[i]);
        }
        stub_->async()->BatchGetListings(&batch.context, &listing_requests[b],
                                         &listing_responses[b], finish);
        break;
    }
  }
  {
    std::unique_lock lock(mu);
    done.wait(lock, [&] { return pending == 0; });
  }

  // A failure, named by its place in `targets`.
  for (const auto& batch : batches) {
    const grpc::Status& status = batch->status;
    if (status.ok()) continue;
    // The server names the failing entry "names[k]: ..."; k maps back.
    const std::string message = status.error_message();  // by value
    std::string_view rest = message;
    size_t k = 0;
    const bool named =
        rest.starts_with("names[") &&
        std::from_chars(rest.data() + 6, rest.data() + rest.size(), k).ec ==
            std::errc() &&
        k < batch->positions.size();
    if (named) {
      rest.remove_prefix(std::min(rest.size(), rest.find(']') + 1));
      if (rest.starts_with(": ")) rest.remove_prefix(2);
      const size_t i = batch->positions[k];
      const std::string what =
          absl::StrCat(field, "[", i, "] (", targets[i], ")");
      if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, "[", i, "]: ", std::string(rest)));
      }
      return FromGrpc(status, what);
    }
    return FromGrpc(status, field);
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
