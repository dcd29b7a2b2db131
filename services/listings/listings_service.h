#pragma once

#include <chrono>

#include "common/grpc/change_watch.h"
#include "common/grpc/executor.h"
#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "services/listings/listings_store.h"
#include "services/listings/past_snapshots.h"
#include "services/listings/snapshot_refresher.h"

namespace nml::listings {

// nml.listings.v1.ListingsService over gRPC: one method per RPC, each
// served by common::ServeUnary. The handlers are plain functions: reads in
// reads.h (answered on gRPC's thread from the current snapshot; they never
// block), writes the Plan... functions of planner.h (on the executor: the
// store plans and applies them in one transaction, and the answer waits
// until the snapshot shows the write, so a client reads its own writes).
class ListingsServiceImpl final
    : public nml::listings::v1::ListingsService::CallbackService {
 public:
  // `max_answer_bytes`: the largest answer the server sends (its
  // --max-message-bytes); an import whose answer would be larger is refused
  // unwritten.
  // `watch_heartbeat`: how long a WatchChanges stream may go without a
  // message before a heartbeat.
  ListingsServiceImpl(
      ListingsStore& store, SnapshotHolder& snapshots,
      common::Executor& executor, size_t max_answer_bytes,
      std::chrono::milliseconds watch_heartbeat = std::chrono::seconds(15),
      std::chrono::milliseconds read_wait = std::chrono::seconds(1));
  ~ListingsServiceImpl() override;

  // Ends every WatchChanges stream (UNAVAILABLE); before the server shuts
  // down, which waits for open streams.
  void StopWatches() { watches_.Stop(); }
  // Open WatchChanges streams, and how many data versions the furthest
  // behind lags.
  const common::ChangeWatchHub<v1::WatchChangesResponse>& watches() const {
    return watches_;
  }

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* GetReview(Context*, const v1::GetReviewRequest*,
                     v1::GetReviewResponse*) override;
  Reactor* ListReviews(Context*, const v1::ListReviewsRequest*,
                       v1::ListReviewsResponse*) override;
  Reactor* CreateReview(Context*, const v1::CreateReviewRequest*,
                        v1::CreateReviewResponse*) override;
  Reactor* UpdateReview(Context*, const v1::UpdateReviewRequest*,
                        v1::UpdateReviewResponse*) override;
  Reactor* DeleteReview(Context*, const v1::DeleteReviewRequest*,
                        v1::DeleteReviewResponse*) override;

  Reactor* GetMarket(Context*, const v1::GetMarketRequest*,
                     v1::GetMarketResponse*) override;
  Reactor* ListMarkets(Context*, const v1::ListMarketsRequest*,
                       v1::ListMarketsResponse*) override;
  Reactor* CreateMarket(Context*, const v1::CreateMarketRequest*,
                        v1::CreateMarketResponse*) override;
  Reactor* UpdateMarket(Context*, const v1::UpdateMarketRequest*,
                        v1::UpdateMarketResponse*) override;
  Reactor* DeleteMarket(Context*, const v1::DeleteMarketRequest*,
                        v1::DeleteMarketResponse*) override;

  Reactor* GetOperator(Context*, const v1::GetOperatorRequest*,
                       v1::GetOperatorResponse*) override;
  Reactor* ListOperators(Context*, const v1::ListOperatorsRequest*,
                         v1::ListOperatorsResponse*) override;
  Reactor* CreateOperator(Context*, const v1::CreateOperatorRequest*,
                          v1::CreateOperatorResponse*) override;
  Reactor* UpdateOperator(Context*, const v1::UpdateOperatorRequest*,
                          v1::UpdateOperatorResponse*) override;
  Reactor* DeleteOperator(Context*, const v1::DeleteOperatorRequest*,
                          v1::DeleteOperatorResponse*) override;

  Reactor* GetListing(Context*, const v1::GetListingRequest*,
                      v1::GetListingResponse*) override;
  Reactor* ListListings(Context*, const v1::ListListingsRequest*,
                        v1::ListListingsResponse*) override;
  Reactor* CreateListing(Context*, const v1::CreateListingRequest*,
                         v1::CreateListingResponse*) override;
  Reactor* UpdateListing(Context*, const v1::UpdateListingRequest*,
                         v1::UpdateListingResponse*) override;
  Reactor* DeleteListing(Context*, const v1::DeleteListingRequest*,
                         v1::DeleteListingResponse*) override;

  Reactor* ImportReview(Context*, const v1::ImportReviewRequest*,
                        v1::ImportReviewResponse*) override;
  grpc::ServerReadReactor<v1::ImportReviewStreamRequest>* ImportReviewStream(
      Context*, v1::ImportReviewStreamResponse*) override;
  Reactor* MergeMarkets(Context*, const v1::MergeMarketsRequest*,
                        v1::MergeMarketsResponse*) override;
  Reactor* SplitMarket(Context*, const v1::SplitMarketRequest*,
                       v1::SplitMarketResponse*) override;

  Reactor* GetMarketHistory(Context*, const v1::GetMarketHistoryRequest*,
                            v1::GetMarketHistoryResponse*) override;
  Reactor* DiffReviews(Context*, const v1::DiffReviewsRequest*,
                       v1::DiffReviewsResponse*) override;
  Reactor* GetReviewStats(Context*, const v1::GetReviewStatsRequest*,
                          v1::GetReviewStatsResponse*) override;
  Reactor* ScreenDomains(Context*, const v1::ScreenDomainsRequest*,
                         v1::ScreenDomainsResponse*) override;
  Reactor* SearchMarkets(Context*, const v1::SearchMarketsRequest*,
                         v1::SearchMarketsResponse*) override;
  Reactor* ListChanges(Context*, const v1::ListChangesRequest*,
                       v1::ListChangesResponse*) override;
  grpc::ServerWriteReactor<v1::WatchChangesResponse>* WatchChanges(
      Context* context, const v1::WatchChangesRequest* request) override;
  grpc::ServerWriteReactor<google::api::HttpBody>* ExportData(
      Context* context, const v1::ExportDataRequest* request) override;
  Reactor* ListMergeSuggestions(Context*,
                                const v1::ListMergeSuggestionsRequest*,
                                v1::ListMergeSuggestionsResponse*) override;
  Reactor* BatchGetReviews(Context*, const v1::BatchGetReviewsRequest*,
                           v1::BatchGetReviewsResponse*) override;
  Reactor* BatchGetMarkets(Context*, const v1::BatchGetMarketsRequest*,
                           v1::BatchGetMarketsResponse*) override;
  Reactor* BatchGetListings(Context*, const v1::BatchGetListingsRequest*,
                            v1::BatchGetListingsResponse*) override;
  Reactor* GetDataStatus(Context*, const v1::GetDataStatusRequest*,
                         v1::GetDataStatusResponse*) override;

 private:
  // A read answered from the current snapshot by
  // `handler(const Snapshot&, const Request&, Response&)`.
  template <typename Request, typename Response, typename Handler>
  Reactor* Read(Context* context, const Request* request, Response* response,
                Handler handler);
  // A write planned against the current data and applied by the store in
  // one transaction; the snapshot after it is served before the answer.
  template <typename Request, typename Response, typename PlanFn>
  Reactor* Write(Context* context, const Request* request, Response* response,
                 const std::string& request_id, PlanFn plan);
  // Write's work, on the caller's (a worker's) thread.
  template <typename Request, typename Response, typename PlanFn>
  absl::Status WriteNow(const Request& request, Response& response,
                        const std::string& request_id, PlanFn plan);
  // UNAVAILABLE: this replica serves `serving`, behind the `asked` version.
  absl::Status BehindError(int64_t serving, int64_t asked) const;
  // The snapshot to answer a deferred read from, on a worker: at least
  // `min_version` and, after a miss (`missed`), at least the database's
  // current version, waiting for the refresher up to --read-wait-ms (or the
  // deadline). Behind `min_version` after that is UNAVAILABLE; behind only
  // the database's version (a write not yet followed) answers from what is
  // served.
  absl::StatusOr<std::shared_ptr<const Snapshot>> CatchUp(
      int64_t min_version, bool missed,
      std::chrono::system_clock::time_point deadline);
  // The data at `version` (0: the current data): the current snapshot, or
  // one rebuilt from the change log, which blocks (call on a worker).
  absl::StatusOr<std::shared_ptr<const Snapshot>> SnapshotAt(int64_t version);
  // The whole import of an ImportReviewStream, on a worker.
  absl::Status ImportStreamed(const v1::ImportReviewRequest& request,
                              v1::ImportReviewStreamResponse& response);

  ListingsStore& store_;
  SnapshotHolder& snapshots_;
  common::Executor& executor_;
  const size_t max_answer_bytes_;
  const std::chrono::milliseconds read_wait_;
  PastSnapshots past_;  // for screening pinned to a data version
  common::ChangeWatchHub<v1::WatchChangesResponse> watches_;
};

}  // namespace nml::listings
