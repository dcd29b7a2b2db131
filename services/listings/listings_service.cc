#include "services/listings/listings_service.h"

#include <absl/strings/str_cat.h>

#include <algorithm>

#include "common/api/idempotency.h"
#include "common/api/names.h"
#include "common/api/page_token.h"
#include "common/api/status.h"
#include "common/grpc/streamed_answer.h"
#include "common/grpc/streamed_import.h"
#include "common/grpc/unary.h"
#include "services/listings/change_feed.h"
#include "services/listings/planner.h"
#include "services/listings/reads.h"

namespace nml::listings {

namespace {

constexpr size_t kMaxRequestIdLength = 128;

// An import must be retry-safe, so it needs a request id (checked after
// auth, which ServeUnary decides first).
absl::Status RequireImportRequestId(const v1::ImportReviewRequest& request) {
  if (request.request_id().empty()) {
    return common::FieldError("request_id", "is required for imports");
  }
  return absl::OkStatus();
}

absl::StatusOr<Plan<v1::ImportReviewResponse>> PlanImport(
    const SnapshotData& current, const v1::ImportReviewRequest& request,
    absl::Time now) {
  if (auto st = RequireImportRequestId(request); !st.ok()) return st;
  auto plan = PlanImportReview(current, request, now);
  if (plan.ok() && plan->response.problems_size() > 0 &&
      !request.validate_only()) {
    return ImportProblemsError(plan->response);
  }
  return plan;
}

// validate_only: the import planned against the current snapshot, nothing
// written; the answer is the report, every problem included.
absl::Status ValidateImport(const Snapshot& s,
                            const v1::ImportReviewRequest& request,
                            v1::ImportReviewResponse& response) {
  auto plan = PlanImport(s.data(), request, absl::Now());
  if (!plan.ok()) return plan.status();
  response = std::move(plan->response);
  response.set_data_version(s.version());
  return absl::OkStatus();
}

// A validate_only report too large for one message keeps the problems that
// fit (before the reconciliations) and says how many it left out.
void FitReport(v1::ImportReviewResponse& report, size_t max_bytes) {
  constexpr size_t kReserve = 1024;  // the note and the message's own bytes
  if (report.ByteSizeLong() <= max_bytes) return;
  report.clear_reconciliations();
  auto* problems = report.mutable_problems();
  int left_out = 0;
  while (!problems->empty() && report.ByteSizeLong() + kReserve > max_bytes) {
    problems->RemoveLast();
    ++left_out;
  }
  if (left_out == 0) return;
  v1::ImportProblem* note = report.add_problems();
  note->set_row(-1);
  note->set_field("listings");
  note->set_description(absl::StrCat(
      left_out,
      " more problems left out of this answer (larger than one message); "
      "fix these and check again"));
}

}  // namespace

ListingsServiceImpl::ListingsServiceImpl(
    ListingsStore& store, SnapshotHolder& snapshots, common::Executor& executor,
    size_t max_answer_bytes, std::chrono::milliseconds watch_heartbeat,
    std::chrono::milliseconds read_wait)
    : store_(store),
      snapshots_(snapshots),
      executor_(executor),
      max_answer_bytes_(max_answer_bytes),
      read_wait_(read_wait),
      past_(store),
      watches_(
          [&store](common::FeedCursor& cursor, v1::WatchChangesResponse& out) {
            return ReadWatchedChanges(store, cursor, out);
          },
          watch_heartbeat) {
  // Every version served (this instance's writes and the refresher's
  // reloads, which follow the database's notifications) wakes the watchers.
  snapshots_.OnAdvance([this](int64_t version) { watches_.Advanced(version); });
  watches_.Advanced(snapshots_.version());
}

ListingsServiceImpl::~ListingsServiceImpl() {
  snapshots_.OnAdvance(nullptr);
  watches_.Stop();
}

template <typename Request, typename Response, typename Handler>
ListingsServiceImpl::Reactor* ListingsServiceImpl::Read(Context* context,
                                                        const Request* request,
                                                        Response* response,
                                                        Handler handler) {
  // A list's next page is cut from the data its first page was read at,
  // whichever replica answers (its version is in the page token).
  int64_t list_version = 0;
  if constexpr (requires { request->page_token(); }) {
    list_version = common::PageTokenDataVersion(request->page_token());
  }
  // Snapshot reads never block, so they run on gRPC's thread, unless this
  // replica is behind the version asked for, serves another version than
  // the list's, or has a miss it must first check against the database;
  // then a worker waits for the refresher, or rebuilds the list's data.
  // Only a miss costs the database a read (the version it holds).
  auto missed = std::make_shared<bool>(false);
  return common::ServeUnaryOrDefer(
      context, executor_, *request,
      [this, request, response, handler, list_version,
       missed](const common::CallInfo& call)
          -> std::variant<absl::Status, common::Defer> {
        const auto snapshot = snapshots_.Get();
        if (snapshot == nullptr) {
          return absl::UnavailableError(
              "the data is not loaded yet; retry shortly");
        }
        if (snapshot->version() < call.min_data_version) {
          return common::Defer{
              BehindError(snapshot->version(), call.min_data_version)};
        }
        if (list_version != 0 && list_version != snapshot->version()) {
          return common::Defer{absl::UnavailableError(
              "page_token: the data version of this list cannot be read "
              "here now; retry")};
        }
        absl::Status answer = handler(*snapshot, *request, *response);
        // A miss is never stale: another replica may have written it a
        // moment ago. If the check cannot run (the database is down, so no
        // write can be newer), the snapshot's answer stands.
        if (absl::IsNotFound(answer)) {
          *missed = true;
          return common::Defer{answer};
        }
        return answer;
      },
      [this, request, response, handler, list_version,
       missed](const common::CallInfo& call) -> absl::Status {
        auto snapshot = CatchUp(std::max(call.min_data_version, list_version),
                                *missed, call.deadline);
        if (!snapshot.ok()) return snapshot.status();
        if (list_version != 0 && (*snapshot)->version() != list_version) {
          snapshot = SnapshotAt(list_version);  // rebuilt from the change log
          if (absl::IsOutOfRange(snapshot.status())) {
            return absl::FailedPreconditionError(absl::StrCat(
                "page_token: the list was read at data version ", list_version,
                ", which can no longer be rebuilt; start the list again"));
          }
          if (!snapshot.ok()) return snapshot.status();
        }
        response->Clear();
        return handler(**snapshot, *request, *response);
      });
}

absl::Status ListingsServiceImpl::BehindError(int64_t serving,
                                              int64_t asked) const {
  return absl::UnavailableError(absl::StrCat(
      "this replica serves data version ", serving, ", behind the ", asked,
      " asked for (", common::kMinDataVersionMetadata,
      ") and did not catch up within ", read_wait_.count(),
      " ms; retry, another replica may have it"));
}

absl::StatusOr<std::shared_ptr<const Snapshot>> ListingsServiceImpl::CatchUp(
    int64_t min_version, bool missed,
    std::chrono::system_clock::time_point deadline) {
  int64_t target = min_version;
  // After a miss, the version the database holds now: a miss answered from
  // anything older could be a row another replica has just written. When
  // the database does not answer, no write can be newer than what is served.
  if (missed) {
    if (const auto current = store_.CurrentVersion(); current.ok()) {
      target = std::max(target, *current);
    }
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::system_clock::now());
  if (snapshots_.version() < target &&
      !snapshots_.AwaitVersion(target, std::min(read_wait_, left)) &&
      snapshots_.version() < min_version) {
    return BehindError(snapshots_.version(), min_version);
  }
  auto snapshot = snapshots_.Get();
  if (snapshot == nullptr) {
    return absl::UnavailableError("the data is not loaded yet; retry shortly");
  }
  return snapshot;
}

template <typename Request, typename Response, typename PlanFn>
ListingsServiceImpl::Reactor* ListingsServiceImpl::Write(
    Context* context, const Request* request, Response* response,
    const std::string& request_id, PlanFn plan) {
  return common::ServeUnary(
      context, &executor_, *request, [=, this](const common::CallInfo&) {
        return WriteNow(*request, *response, request_id, plan);
      });
}

template <typename Request, typename Response, typename PlanFn>
absl::Status ListingsServiceImpl::WriteNow(const Request& request,
                                           Response& response,
                                           const std::string& request_id,
                                           PlanFn plan) {
  if (request_id.size() > kMaxRequestIdLength) {
    return common::FieldError(
        "request_id",
        absl::StrCat("at most ", kMaxRequestIdLength, " characters"));
  }
  const std::string bytes = common::RequestFingerprintBytes(request);
  ListingsStore::WriteRequest write{std::string(Request::descriptor()->name()),
                                    request_id, bytes};
  // Held for the whole write: the store plans on it when it is current.
  const auto snapshot = snapshots_.Get();
  const SnapshotHolder::Publishing publishing(snapshots_);
  auto result = store_.Write(
      write,
      [&](const SnapshotData& current)
          -> absl::StatusOr<ListingsStore::Planned> {
        auto planned = [&] {
          if constexpr (std::is_invocable_v<PlanFn, const SnapshotData&,
                                            const Request&, absl::Time>) {
            return plan(current, request, absl::Now());
          } else {
            return plan(current, request);
          }
        }();
        if (!planned.ok()) return planned.status();
        ListingsStore::Planned out;
        out.changes = std::move(planned->changes);
        auto answer = std::make_shared<Response>(std::move(planned->response));
        out.answer = [answer](int64_t version) {
          answer->set_data_version(version);
          return answer->SerializeAsString();
        };
        return out;
      },
      snapshot != nullptr ? &snapshot->data() : nullptr);
  if (!result.ok()) return result.status();
  if (!response.ParseFromString(result->answer)) {
    return absl::InternalError("stored answer unreadable");
  }
  if constexpr (requires { response.set_replayed(true); }) {
    response.set_replayed(result->replayed);
  }
  // Read-your-writes: the new snapshot is served before the answer.
  // Built once; the refresher skips the notification of this version.
  if (result->data.has_value()) {
    snapshots_.SetIfNewer(
        Snapshot::Build(*std::move(result->data), absl::Now()));
  }
  return absl::OkStatus();
}

// ------------------------------------------------------------ reads

ListingsServiceImpl::Reactor* ListingsServiceImpl::GetReview(
    Context* context, const v1::GetReviewRequest* request,
    v1::GetReviewResponse* response) {
  return Read(context, request, response, listings::GetReview);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::ListReviews(
    Context* context, const v1::ListReviewsRequest* request,
    v1::ListReviewsResponse* response) {
  return Read(context, request, response, listings::ListReviews);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::GetMarket(
    Context* context, const v1::GetMarketRequest* request,
    v1::GetMarketResponse* response) {
  return Read(context, request, response, listings::GetMarket);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::ListMarkets(
    Context* context, const v1::ListMarketsRequest* request,
    v1::ListMarketsResponse* response) {
  return Read(context, request, response, listings::ListMarkets);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::GetOperator(
    Context* context, const v1::GetOperatorRequest* request,
    v1::GetOperatorResponse* response) {
  return Read(context, request, response, listings::GetOperator);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::ListOperators(
    Context* context, const v1::ListOperatorsRequest* request,
    v1::ListOperatorsResponse* response) {
  return Read(context, request, response, listings::ListOperators);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::GetListing(
    Context* context, const v1::GetListingRequest* request,
    v1::GetListingResponse* response) {
  return Read(context, request, response, listings::GetListing);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::ListListings(
    Context* context, const v1::ListListingsRequest* request,
    v1::ListListingsResponse* response) {
  return Read(context, request, response, listings::ListListings);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::GetMarketHistory(
    Context* context, const v1::GetMarketHistoryRequest* request,
    v1::GetMarketHistoryResponse* response) {
  return Read(context, request, response, listings::GetMarketHistory);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::DiffReviews(
    Context* context, const v1::DiffReviewsRequest* request,
    v1::DiffReviewsResponse* response) {
  return Read(context, request, response, listings::DiffReviews);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::GetReviewStats(
    Context* context, const v1::GetReviewStatsRequest* request,
    v1::GetReviewStatsResponse* response) {
  return Read(context, request, response, listings::GetReviewStats);
}

absl::StatusOr<std::shared_ptr<const Snapshot>> ListingsServiceImpl::SnapshotAt(
    int64_t version) {
  if (version < 0) return common::FieldError("data_version", "must be >= 0");
  std::shared_ptr<const Snapshot> snapshot = snapshots_.Get();
  if (snapshot == nullptr) {
    return absl::UnavailableError("the data is not loaded yet; retry shortly");
  }
  if (version == 0 || snapshot->version() == version) return snapshot;
  return past_.At(version);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::ScreenDomains(
    Context* context, const v1::ScreenDomainsRequest* request,
    v1::ScreenDomainsResponse* response) {
  if (request->data_version() == 0) {
    return Read(context, request, response, listings::ScreenDomains);
  }
  // Pinned to a version: possibly rebuilt from the log, on a worker.
  return common::ServeUnary(
      context, &executor_, *request,
      [this, request, response](const common::CallInfo&) -> absl::Status {
        auto snapshot = SnapshotAt(request->data_version());
        if (!snapshot.ok()) return snapshot.status();
        return listings::ScreenDomains(**snapshot, *request, *response);
      });
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::ListChanges(
    Context* context, const v1::ListChangesRequest* request,
    v1::ListChangesResponse* response) {
  // The log is in the database, not the snapshot: a worker reads it.
  return common::ServeUnary(context, &executor_, *request,
                            [this, request, response](const common::CallInfo&) {
                              return listings::ListChanges(store_, *request,
                                                           *response);
                            });
}

grpc::ServerWriteReactor<v1::WatchChangesResponse>*
ListingsServiceImpl::WatchChanges(Context* context,
                                  const v1::WatchChangesRequest* request) {
  int64_t since = request->since_data_version();
  if (!request->has_since_data_version()) {
    since = std::max<int64_t>(snapshots_.version(), 0);
  }
  return watches_.Watch(context, *request, since);
}

grpc::ServerWriteReactor<google::api::HttpBody>*
ListingsServiceImpl::ExportData(Context* context,
                                const v1::ExportDataRequest* request) {
  // The data version and a file name go in the initial metadata (the REST
  // side makes them headers): a follower resyncing from an export follows
  // the change feed from that version.
  const bool pinned = request->data_version() != 0;
  return common::ServeItems<google::api::HttpBody>(
      context, *request,
      [this, context, request](const common::CallInfo& call)
          -> absl::StatusOr<std::vector<google::api::HttpBody>> {
        auto snapshot = SnapshotAt(request->data_version());
        if (!snapshot.ok()) return snapshot.status();
        // Unpinned, it runs on gRPC's thread, which must not wait for the
        // refresher: a replica behind the version asked for says so.
        if ((*snapshot)->version() < call.min_data_version) {
          return BehindError((*snapshot)->version(), call.min_data_version);
        }
        auto chunks = listings::ExportData(**snapshot, *request);
        if (chunks.ok()) {
          context->AddInitialMetadata(std::string(common::kDataVersionMetadata),
                                      absl::StrCat((*snapshot)->version()));
          context->AddInitialMetadata(
              "content-disposition",
              absl::StrCat("attachment; filename=\"", ExportFileName(*request),
                           "\""));
        }
        return chunks;
      },
      pinned ? &executor_ : nullptr);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::ListMergeSuggestions(
    Context* context, const v1::ListMergeSuggestionsRequest* request,
    v1::ListMergeSuggestionsResponse* response) {
  return Read(context, request, response, listings::ListMergeSuggestions);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::SearchMarkets(
    Context* context, const v1::SearchMarketsRequest* request,
    v1::SearchMarketsResponse* response) {
  return Read(context, request, response, listings::SearchMarkets);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::BatchGetReviews(
    Context* context, const v1::BatchGetReviewsRequest* request,
    v1::BatchGetReviewsResponse* response) {
  return Read(context, request, response, listings::BatchGetReviews);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::BatchGetMarkets(
    Context* context, const v1::BatchGetMarketsRequest* request,
    v1::BatchGetMarketsResponse* response) {
  return Read(context, request, response, listings::BatchGetMarkets);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::BatchGetListings(
    Context* context, const v1::BatchGetListingsRequest* request,
    v1::BatchGetListingsResponse* response) {
  return Read(context, request, response, listings::BatchGetListings);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::GetDataStatus(
    Context* context, const v1::GetDataStatusRequest* request,
    v1::GetDataStatusResponse* response) {
  return Read(context, request, response, listings::GetDataStatus);
}

// ------------------------------------------------------------ writes

ListingsServiceImpl::Reactor* ListingsServiceImpl::CreateReview(
    Context* context, const v1::CreateReviewRequest* request,
    v1::CreateReviewResponse* response) {
  return Write(context, request, response, request->request_id(),
               PlanCreateReview);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::UpdateReview(
    Context* context, const v1::UpdateReviewRequest* request,
    v1::UpdateReviewResponse* response) {
  return Write(context, request, response, "", PlanUpdateReview);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::DeleteReview(
    Context* context, const v1::DeleteReviewRequest* request,
    v1::DeleteReviewResponse* response) {
  return Write(context, request, response, "", PlanDeleteReview);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::CreateMarket(
    Context* context, const v1::CreateMarketRequest* request,
    v1::CreateMarketResponse* response) {
  return Write(context, request, response, request->request_id(),
               PlanCreateMarket);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::UpdateMarket(
    Context* context, const v1::UpdateMarketRequest* request,
    v1::UpdateMarketResponse* response) {
  return Write(context, request, response, "", PlanUpdateMarket);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::DeleteMarket(
    Context* context, const v1::DeleteMarketRequest* request,
    v1::DeleteMarketResponse* response) {
  return Write(context, request, response, "", PlanDeleteMarket);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::CreateOperator(
    Context* context, const v1::CreateOperatorRequest* request,
    v1::CreateOperatorResponse* response) {
  return Write(context, request, response, request->request_id(),
               PlanCreateOperator);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::UpdateOperator(
    Context* context, const v1::UpdateOperatorRequest* request,
    v1::UpdateOperatorResponse* response) {
  return Write(context, request, response, "", PlanUpdateOperator);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::DeleteOperator(
    Context* context, const v1::DeleteOperatorRequest* request,
    v1::DeleteOperatorResponse* response) {
  return Write(context, request, response, "", PlanDeleteOperator);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::CreateListing(
    Context* context, const v1::CreateListingRequest* request,
    v1::CreateListingResponse* response) {
  return Write(context, request, response, request->request_id(),
               PlanCreateListing);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::UpdateListing(
    Context* context, const v1::UpdateListingRequest* request,
    v1::UpdateListingResponse* response) {
  return Write(context, request, response, "", PlanUpdateListing);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::DeleteListing(
    Context* context, const v1::DeleteListingRequest* request,
    v1::DeleteListingResponse* response) {
  return Write(context, request, response, "", PlanDeleteListing);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::MergeMarkets(
    Context* context, const v1::MergeMarketsRequest* request,
    v1::MergeMarketsResponse* response) {
  return Write(context, request, response, request->request_id(),
               PlanMergeMarkets);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::SplitMarket(
    Context* context, const v1::SplitMarketRequest* request,
    v1::SplitMarketResponse* response) {
  return Write(context, request, response, request->request_id(),
               PlanSplitMarket);
}

ListingsServiceImpl::Reactor* ListingsServiceImpl::ImportReview(
    Context* context, const v1::ImportReviewRequest* request,
    v1::ImportReviewResponse* response) {
  if (request->validate_only()) {
    return Read(context, request, response,
                [this](const Snapshot& s, const v1::ImportReviewRequest& r,
                       v1::ImportReviewResponse& answer) {
                  auto status = ValidateImport(s, r, answer);
                  FitReport(answer, max_answer_bytes_);
                  return status;
                });
  }
  // The one write whose answer grows with its request (a reconciliation a
  // row): one too large to send is refused before the commit.
  return Write(
      context, request, response, request->request_id(),
      [this](const SnapshotData& current, const v1::ImportReviewRequest& r,
             absl::Time now) -> absl::StatusOr<Plan<v1::ImportReviewResponse>> {
        auto plan = PlanImport(current, r, now);
        if (!plan.ok()) return plan;
        // + the data version, set after the commit.
        const size_t bytes = plan->response.ByteSizeLong() + 16;
        if (auto st =
                common::CheckAnswerSize(bytes, max_answer_bytes_, "listings");
            !st.ok()) {
          return st;
        }
        return plan;
      });
}

// ------------------------------------------------------------ streamed import

absl::Status ListingsServiceImpl::ImportStreamed(
    const v1::ImportReviewRequest& request,
    v1::ImportReviewStreamResponse& response) {
  v1::ImportReviewResponse& answer = *response.mutable_import();
  if (request.validate_only()) {
    const auto snapshot = snapshots_.Get();
    if (snapshot == nullptr) {
      return absl::UnavailableError(
          "the data is not loaded yet; retry shortly");
    }
    if (auto st = ValidateImport(*snapshot, request, answer); !st.ok()) {
      return st;
    }
  } else if (auto st =
                 WriteNow(request, answer, request.request_id(), PlanImport);
             !st.ok()) {
    return st;
  }
  // The stored answer is whole (a retry replays it); what is sent leaves
  // the reconciliations out when they would not fit in one message.
  if (response.ByteSizeLong() > max_answer_bytes_) {
    answer.clear_reconciliations();
    response.set_reconciliations_omitted(true);
  }
  FitReport(answer, max_answer_bytes_);
  return absl::OkStatus();
}

grpc::ServerReadReactor<v1::ImportReviewStreamRequest>*
ListingsServiceImpl::ImportReviewStream(
    Context* context, v1::ImportReviewStreamResponse* response) {
  return common::ServeStreamedImport<v1::ImportReviewStreamRequest>(
      context, executor_, &v1::ImportReviewRequest::mutable_listings,
      "listings",
      [this, response](const v1::ImportReviewRequest& import,
                       const common::CallInfo&) {
        return ImportStreamed(import, *response);
      });
}

}  // namespace nml::listings
