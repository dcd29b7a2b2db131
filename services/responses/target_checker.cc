#include "services/responses/target_checker.h"

#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/client_context.h>
#include <grpcpp/security/credentials.h>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>

#include "common/api/names.h"
#include "common/api/other_names.h"
#include "common/api/status.h"
#include "common/grpc/backend_channel.h"

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
      // gRPC's own text names internal addresses: it goes to the log, and
      // the caller is told only what to retry.
      spdlog::warn("listings unavailable checking {}: {}", what,
                   status.error_message());
      return absl::UnavailableError(absl::StrCat(
          "the listings service is unavailable (checking ", what, ")"));
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
  return common::MakeBackendChannel(address, std::move(credentials),
                                    kRetryServiceConfig);
}

namespace {

// One AIP-231 batch get in flight: up to kMaxBatch targets of one kind,
// with their places in the caller's list.
struct Batch {
  std::vector<size_t> positions;
  grpc::ClientContext context;
  grpc::Status status;
  lv1::BatchGetReviewsRequest reviews;
  lv1::BatchGetMarketsRequest markets;
  lv1::BatchGetListingsRequest listings;
  lv1::BatchGetReviewsResponse reviews_found;
  lv1::BatchGetMarketsResponse markets_found;
  lv1::BatchGetListingsResponse listings_found;
};

}  // namespace

absl::Status ListingsTargetChecker::CheckTargets(
    const std::vector<std::string>& targets, const std::string& field,
    std::chrono::system_clock::time_point deadline) {
  // One batch get per kind of target (and per kMaxBatch names), all in
  // flight at once: 50 targets cost one round trip, not 50.
  std::vector<std::unique_ptr<Batch>> batches;
  std::map<int, Batch*> open;  // kind -> batch being filled
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string& target = targets[i];
    const int kind = common::ParseReviewName(target)    ? 0
                     : common::ParseMarketName(target)  ? 1
                     : common::ParseListingName(target) ? 2
                                                        : -1;
    if (kind < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, "[", i, "]: '", target,
          "' is not a review, market or listing name (reviews/{year}, "
          "markets/{market}, reviews/{year}/listings/{market})"));
    }
    Batch*& batch = open[kind];
    if (batch == nullptr || batch->positions.size() == kMaxBatch) {
      batch = batches.emplace_back(std::make_unique<Batch>()).get();
      batch->listings.set_parent("reviews/-");
    }
    batch->positions.push_back(i);
    if (kind == 0) batch->reviews.add_names(target);
    if (kind == 1) batch->markets.add_names(target);
    if (kind == 2) batch->listings.add_names(target);
  }

  absl::Mutex mu;
  absl::CondVar done;
  size_t pending = batches.size();
  for (const auto& owned : batches) {
    Batch* batch = owned.get();
    Prepare(batch->context, deadline);
    auto finish = [&, batch](grpc::Status status) {
      absl::MutexLock lock(&mu);
      batch->status = std::move(status);
      if (--pending == 0) done.SignalAll();
    };
    auto* async = stub_->async();
    if (batch->reviews.names_size() > 0) {
      async->BatchGetReviews(&batch->context, &batch->reviews,
                             &batch->reviews_found, finish);
    } else if (batch->markets.names_size() > 0) {
      async->BatchGetMarkets(&batch->context, &batch->markets,
                             &batch->markets_found, finish);
    } else {
      async->BatchGetListings(&batch->context, &batch->listings,
                              &batch->listings_found, finish);
    }
  }
  {
    absl::MutexLock lock(&mu);
    while (pending != 0) done.Wait(&mu);
  }

  for (const auto& batch : batches) {
    const grpc::Status& status = batch->status;
    if (status.ok()) continue;
    // A missing target comes back as a google.rpc.ResourceInfo naming it.
    const std::vector<std::string> missing = common::MissingResources(status);
    for (const size_t i : batch->positions) {
      if (!missing.empty() && targets[i] == missing.front()) {
        return FromGrpc(status,
                        absl::StrCat(field, "[", i, "] (", targets[i], ")"));
      }
    }
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": ", status.error_message()));
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

absl::StatusOr<std::vector<std::string>> ListingsTargetChecker::OtherNamesOf(
    const std::string& market, std::chrono::system_clock::time_point deadline) {
  grpc::ClientContext context;
  Prepare(context, deadline);
  lv1::GetMarketRequest request;
  request.set_name(market);
  lv1::GetMarketResponse response;
  const grpc::Status status = stub_->GetMarket(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return std::vector<std::string>{};
  }
  if (auto result = FromGrpc(status, market); !result.ok()) return result;
  // A merged-away name answers with its survivor.
  return common::OtherNamesOf(response.market(), market);
}

absl::StatusOr<std::map<std::string, std::string>>
ListingsTargetChecker::MarketDisplayNames(
    std::chrono::system_clock::time_point deadline) {
  std::map<std::string, std::string> names;
  lv1::ListMarketsRequest request;
  request.set_page_size(1000);
  for (;;) {
    grpc::ClientContext context;
    Prepare(context, deadline);
    lv1::ListMarketsResponse response;
    const grpc::Status status =
        stub_->ListMarkets(&context, request, &response);
    if (auto result = FromGrpc(status, "the markets"); !result.ok()) {
      return result;
    }
    for (const lv1::Market& m : response.markets()) {
      names[m.name()] = m.display_name();
      for (const std::string& merged : m.merged_markets()) {
        names[merged] = m.display_name();
      }
    }
    if (response.next_page_token().empty()) return names;
    request.set_page_token(response.next_page_token());
  }
}

}  // namespace nml::responses
