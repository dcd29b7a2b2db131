#include "services/listings/listings_service.h"

#include <absl/strings/str_cat.h>

#include "common/auth.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "services/listings/planner.h"
#include "services/listings/queries.h"

namespace nml::listings {

using common::ToGrpcStatus;

namespace {

constexpr size_t kMaxRequestIdLength = 128;
constexpr auto kReadYourWritesWait = std::chrono::seconds(2);

}  // namespace

template <typename Request, typename Response, typename Query>
ListingsServiceImpl::Reactor* ListingsServiceImpl::Read(Context* context,
                                                        const Request* request,
                                                        Response* response,
                                                        Query query) {
  auto answer = [this, request, response, query]() {
    const auto snapshot = snapshots_.Get();
    if (snapshot == nullptr) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the data is not loaded yet; retry shortly");
    }
    return ToGrpcStatus(query(*snapshot, *request, *response));
  };
  // A fault drill delays reads too; they then take a worker instead of
  // blocking gRPC's thread.
  if (executor_.has_injected_delay()) {
    return common::RunUnary(context, executor_, answer);
  }
  Reactor* reactor = context->DefaultReactor();
  if (absl::Status auth = common::AuthDecision(*context); !auth.ok()) {
    reactor->Finish(ToGrpcStatus(auth));
    return reactor;
  }
  reactor->Finish(answer());
  return reactor;
}

template <typename Request, typename Response, typename PlanFn>
ListingsServiceImpl::Reactor* ListingsServiceImpl::Write(
    Context* context, const Request* request, Response* response,
    const std::string& request_id, PlanFn plan) {
  if (absl::Status auth = common::AuthDecision(*context); !auth.ok()) {
    Reactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(auth));
    return reactor;
  }
  if (request_id.size() > kMaxRequestIdLength) {
    Reactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(common::FieldError(
        "request_id",
        absl::StrCat("at most ", kMaxRequestIdLength, " characters"))));
    return reactor;
  }
  return common::RunUnary(context, executor_, [=, this]() {
    const std::string bytes = common::RequestFingerprintBytes(*request);
    ListingsStore::WriteRequest write{
        std::string(Request::descriptor()->name()), request_id, bytes};
    auto result = store_.Write(
        write,
        [&](const SnapshotData& current)
            -> absl::StatusOr<ListingsStore::Planned> {
          auto planned = [&] {
            if constexpr (std::is_invocable_v<PlanFn, const SnapshotData&,
                                              const Request&, absl::Time>) {
              return plan(current, *request, absl::Now());
            } else {
              return plan(current, *request);
            }
          }();
          if (!planned.ok()) return planned.status();
          ListingsStore::Planned out;
          out.changes = std::move(planned->changes);
          auto answer =
              std::make_shared<Response>(std::move(planned->response));
          out.answer = [answer](int64_t version) {
            answer->set_data_version(version);
            return answer->SerializeAsString();
          };
          return out;
        });
    if (!result.ok()) return ToGrpcStatus(result.status());
    if (!response->ParseFromString(result->answer)) {
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          "stored answer unreadable");
    }
    if constexpr (requires { response->set_replayed(true); }) {
      response->set_replayed(result->replayed);
    }
    if (refresher_ != nullptr && !result->replayed) {
      refresher_->Poke();
      snapshots_.WaitForVersion(result->data_version, kReadYourWritesWait);
    }
    return grpc::Status::OK;
  });
}

// ------------------------------------------------------------ reads

#define NML_READ(Method, Query)                              \
  ListingsServiceImpl::Reactor* ListingsServiceImpl::Method( \
      Context* context, const v1::Method##Request* request,  \
      v1::Method##Response* response) {                      \
    return Read(context, request, response, Query);          \
  }

NML_READ(GetReview, listings::GetReview)
NML_READ(ListReviews, listings::ListReviews)
NML_READ(GetMarket, listings::GetMarket)
NML_READ(ListMarkets, listings::ListMarkets)
NML_READ(GetOperator, listings::GetOperator)
NML_READ(ListOperators, listings::ListOperators)
NML_READ(GetListing, listings::GetListing)
NML_READ(ListListings, listings::ListListings)
NML_READ(GetMarketHistory, listings::GetMarketHistory)
NML_READ(DiffReviews, listings::DiffReviews)
NML_READ(GetReviewStats, listings::GetReviewStats)
NML_READ(ScreenDomains, listings::ScreenDomains)
NML_READ(SearchMarkets, listings::SearchMarkets)
#undef NML_READ

ListingsServiceImpl::Reactor* ListingsServiceImpl::GetDataStatus(
    Context* context, const v1::GetDataStatusRequest* request,
    v1::GetDataStatusResponse* response) {
  return Read(context, request, response,
              [](const Snapshot& s, const v1::GetDataStatusRequest&,
                 v1::GetDataStatusResponse& r) {
                listings::GetDataStatus(s, r);
                return absl::OkStatus();
              });
}

// ------------------------------------------------------------ writes

#define NML_WRITE(Method, Planner, RequestId)                     \
  ListingsServiceImpl::Reactor* ListingsServiceImpl::Method(      \
      Context* context, const v1::Method##Request* request,       \
      v1::Method##Response* response) {                           \
    return Write(context, request, response, RequestId, Planner); \
  }

NML_WRITE(CreateReview, PlanCreateReview, request->request_id())
NML_WRITE(UpdateReview, PlanUpdateReview, "")
NML_WRITE(DeleteReview, PlanDeleteReview, "")
NML_WRITE(CreateMarket, PlanCreateMarket, request->request_id())
NML_WRITE(UpdateMarket, PlanUpdateMarket, "")
NML_WRITE(DeleteMarket, PlanDeleteMarket, "")
NML_WRITE(CreateOperator, PlanCreateOperator, request->request_id())
NML_WRITE(UpdateOperator, PlanUpdateOperator, "")
NML_WRITE(DeleteOperator, PlanDeleteOperator, "")
NML_WRITE(CreateListing, PlanCreateListing, request->request_id())
NML_WRITE(UpdateListing, PlanUpdateListing, "")
NML_WRITE(DeleteListing, PlanDeleteListing, "")
NML_WRITE(MergeMarkets, PlanMergeMarkets, request->request_id())
NML_WRITE(SplitMarket, PlanSplitMarket, request->request_id())
#undef NML_WRITE

ListingsServiceImpl::Reactor* ListingsServiceImpl::ImportReview(
    Context* context, const v1::ImportReviewRequest* request,
    v1::ImportReviewResponse* response) {
  // Imports need the admin role even to be validated.
  if (absl::Status auth = common::AuthDecision(*context); !auth.ok()) {
    Reactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(auth));
    return reactor;
  }
  if (request->request_id().empty()) {
    Reactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(
        common::FieldError("request_id", "is required for imports")));
    return reactor;
  }
  if (request->validate_only()) {
    return Read(context, request, response,
                [](const Snapshot& s, const v1::ImportReviewRequest& r,
                   v1::ImportReviewResponse& out) -> absl::Status {
                  auto plan = PlanImportReview(s.data(), r, absl::Now());
                  if (!plan.ok()) return plan.status();
                  out = std::move(plan->response);
                  out.set_data_version(s.version());
                  return absl::OkStatus();
                });
  }
  return Write(context, request, response, request->request_id(),
               PlanImportReview);
}

}  // namespace nml::listings
