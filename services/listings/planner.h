#pragma once

#include <absl/status/statusor.h>
#include <absl/time/time.h>

#include "nml/listings/v1/listings_service.pb.h"
#include "services/listings/model.h"

namespace nml::listings {

// Every write is planned in memory against the current data (read under the
// write lock, in the transaction that will apply the plan): validation,
// reconciliation, etag checks and the answer all happen here, without SQL.
template <typename Response>
struct Plan {
  ChangeSet changes;
  Response response;  // data_version is filled in after the commit
};

// The plan of an import. Problems with rows are reported in the answer's
// `problems` (every one, in row order) with no changes planned; a problem
// of the review itself is the returned status.
absl::StatusOr<Plan<v1::ImportReviewResponse>> PlanImportReview(
    const SnapshotData& current, const v1::ImportReviewRequest& request,
    absl::Time now);
// INVALID_ARGUMENT for an import whose answer has problems: the first one
// and the count in the message, the first 50 as BadRequest details.
absl::Status ImportProblemsError(const v1::ImportReviewResponse& response);

absl::StatusOr<Plan<v1::CreateReviewResponse>> PlanCreateReview(
    const SnapshotData& current, const v1::CreateReviewRequest& request,
    absl::Time now);
absl::StatusOr<Plan<v1::UpdateReviewResponse>> PlanUpdateReview(
    const SnapshotData& current, const v1::UpdateReviewRequest& request,
    absl::Time now);
absl::StatusOr<Plan<v1::DeleteReviewResponse>> PlanDeleteReview(
    const SnapshotData& current, const v1::DeleteReviewRequest& request);

absl::StatusOr<Plan<v1::CreateMarketResponse>> PlanCreateMarket(
    const SnapshotData& current, const v1::CreateMarketRequest& request,
    absl::Time now);
absl::StatusOr<Plan<v1::UpdateMarketResponse>> PlanUpdateMarket(
    const SnapshotData& current, const v1::UpdateMarketRequest& request,
    absl::Time now);
absl::StatusOr<Plan<v1::DeleteMarketResponse>> PlanDeleteMarket(
    const SnapshotData& current, const v1::DeleteMarketRequest& request);

absl::StatusOr<Plan<v1::CreateOperatorResponse>> PlanCreateOperator(
    const SnapshotData& current, const v1::CreateOperatorRequest& request,
    absl::Time now);
absl::StatusOr<Plan<v1::UpdateOperatorResponse>> PlanUpdateOperator(
    const SnapshotData& current, const v1::UpdateOperatorRequest& request,
    absl::Time now);
absl::StatusOr<Plan<v1::DeleteOperatorResponse>> PlanDeleteOperator(
    const SnapshotData& current, const v1::DeleteOperatorRequest& request);

absl::StatusOr<Plan<v1::CreateListingResponse>> PlanCreateListing(
    const SnapshotData& current, const v1::CreateListingRequest& request,
    absl::Time now);
absl::StatusOr<Plan<v1::UpdateListingResponse>> PlanUpdateListing(
    const SnapshotData& current, const v1::UpdateListingRequest& request,
    absl::Time now);
absl::StatusOr<Plan<v1::DeleteListingResponse>> PlanDeleteListing(
    const SnapshotData& current, const v1::DeleteListingRequest& request);

absl::StatusOr<Plan<v1::MergeMarketsResponse>> PlanMergeMarkets(
    const SnapshotData& current, const v1::MergeMarketsRequest& request,
    absl::Time now);
absl::StatusOr<Plan<v1::SplitMarketResponse>> PlanSplitMarket(
    const SnapshotData& current, const v1::SplitMarketRequest& request,
    absl::Time now);

}  // namespace nml::listings
