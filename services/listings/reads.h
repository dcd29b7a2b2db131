#pragma once

#include <absl/status/status.h>

#include "nml/listings/v1/listings_service.pb.h"
#include "services/listings/snapshot.h"

namespace nml::listings {

// The read RPCs, answered from one snapshot. Each validates its request
// (INVALID_ARGUMENT naming the field), fills `response` including
// `data_version`, and never blocks. Gets, lists, history, diff and stats
// are in reads.cc, ScreenDomains in screening.cc, SearchMarkets in
// search.cc, ListMergeSuggestions in suggestions.cc.

absl::Status GetReview(const Snapshot& s, const v1::GetReviewRequest& request,
                       v1::GetReviewResponse& response);
absl::Status BatchGetReviews(const Snapshot& s,
                             const v1::BatchGetReviewsRequest& request,
                             v1::BatchGetReviewsResponse& response);
absl::Status BatchGetMarkets(const Snapshot& s,
                             const v1::BatchGetMarketsRequest& request,
                             v1::BatchGetMarketsResponse& response);
absl::Status BatchGetListings(const Snapshot& s,
                              const v1::BatchGetListingsRequest& request,
                              v1::BatchGetListingsResponse& response);
absl::Status ListReviews(const Snapshot& s,
                         const v1::ListReviewsRequest& request,
                         v1::ListReviewsResponse& response);
absl::Status GetMarket(const Snapshot& s, const v1::GetMarketRequest& request,
                       v1::GetMarketResponse& response);
absl::Status ListMarkets(const Snapshot& s,
                         const v1::ListMarketsRequest& request,
                         v1::ListMarketsResponse& response);
absl::Status GetOperator(const Snapshot& s,
                         const v1::GetOperatorRequest& request,
                         v1::GetOperatorResponse& response);
absl::Status ListOperators(const Snapshot& s,
                           const v1::ListOperatorsRequest& request,
                           v1::ListOperatorsResponse& response);
absl::Status GetListing(const Snapshot& s, const v1::GetListingRequest& request,
                        v1::GetListingResponse& response);
absl::Status ListListings(const Snapshot& s,
                          const v1::ListListingsRequest& request,
                          v1::ListListingsResponse& response);
absl::Status GetMarketHistory(const Snapshot& s,
                              const v1::GetMarketHistoryRequest& request,
                              v1::GetMarketHistoryResponse& response);
absl::Status DiffReviews(const Snapshot& s,
                         const v1::DiffReviewsRequest& request,
                         v1::DiffReviewsResponse& response);
absl::Status GetReviewStats(const Snapshot& s,
                            const v1::GetReviewStatsRequest& request,
                            v1::GetReviewStatsResponse& response);
absl::Status ScreenDomains(const Snapshot& s,
                           const v1::ScreenDomainsRequest& request,
                           v1::ScreenDomainsResponse& response);
absl::Status SearchMarkets(const Snapshot& s,
                           const v1::SearchMarketsRequest& request,
                           v1::SearchMarketsResponse& response);
absl::Status ListMergeSuggestions(
    const Snapshot& s, const v1::ListMergeSuggestionsRequest& request,
    v1::ListMergeSuggestionsResponse& response);
// The chunks of an export (export.cc), computed at once from the snapshot.
absl::StatusOr<std::vector<google::api::HttpBody>> ExportData(
    const Snapshot& s, const v1::ExportDataRequest& request);
// The export's file name: "markets-2021.csv", "review_counts.ndjson".
std::string ExportFileName(const v1::ExportDataRequest& request);
absl::Status GetDataStatus(const Snapshot& s,
                           const v1::GetDataStatusRequest& request,
                           v1::GetDataStatusResponse& response);

}  // namespace nml::listings
