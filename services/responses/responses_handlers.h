#pragma once

#include <google/api/httpbody.pb.h>

#include <vector>

#include "common/api/change_feed.h"
#include "common/grpc/unary.h"
#include "nml/responses/v1/responses_service.pb.h"
#include "services/responses/responses_store.h"
#include "services/responses/target_checker.h"

namespace nml::responses {

// The handlers of nml.responses.v1.ResponsesService: plain functions from a
// request to a status and a response, over a store and the listings
// checks; no gRPC and no SQL here (ResponsesServiceImpl serves them, and
// tests call them directly on fakes). Each validates its request
// (INVALID_ARGUMENT naming the field) before it touches the store.
class ResponsesHandlers {
 public:
  // `max_answer_bytes`: the largest answer the server sends (its
  // --max-message-bytes); a bigger import answer is refused unwritten.
  ResponsesHandlers(ResponsesStore& store, TargetChecker& targets,
                    size_t max_answer_bytes)
      : store_(store), targets_(targets), max_answer_bytes_(max_answer_bytes) {}

  using Call = common::CallInfo;

  // stakeholder_handlers.cc
  absl::Status GetStakeholder(const v1::GetStakeholderRequest& request,
                              v1::GetStakeholderResponse& response,
                              const Call& call);
  absl::Status ListStakeholders(const v1::ListStakeholdersRequest& request,
                                v1::ListStakeholdersResponse& response,
                                const Call& call);
  absl::Status CreateStakeholder(const v1::CreateStakeholderRequest& request,
                                 v1::CreateStakeholderResponse& response,
                                 const Call& call);
  absl::Status UpdateStakeholder(const v1::UpdateStakeholderRequest& request,
                                 v1::UpdateStakeholderResponse& response,
                                 const Call& call);
  absl::Status DeleteStakeholder(const v1::DeleteStakeholderRequest& request,
                                 v1::DeleteStakeholderResponse& response,
                                 const Call& call);
  // response_handlers.cc
  absl::Status GetResponse(const v1::GetResponseRequest& request,
                           v1::GetResponseResponse& response, const Call& call);
  absl::Status ListResponses(const v1::ListResponsesRequest& request,
                             v1::ListResponsesResponse& response,
                             const Call& call);
  absl::Status CreateResponse(const v1::CreateResponseRequest& request,
                              v1::CreateResponseResponse& response,
                              const Call& call);
  absl::Status UpdateResponse(const v1::UpdateResponseRequest& request,
                              v1::UpdateResponseResponse& response,
                              const Call& call);
  absl::Status DeleteResponse(const v1::DeleteResponseRequest& request,
                              v1::DeleteResponseResponse& response,
                              const Call& call);
  absl::Status UndeleteResponse(const v1::UndeleteResponseRequest& request,
                                v1::UndeleteResponseResponse& response,
                                const Call& call);
  // import_handler.cc
  absl::Status ImportResponses(const v1::ImportResponsesRequest& request,
                               v1::ImportResponsesResponse& response,
                               const Call& call);
  // The whole import of an ImportResponsesStream.
  absl::Status ImportResponsesStream(
      const v1::ImportResponsesRequest& request,
      v1::ImportResponsesStreamResponse& response, const Call& call);
  // response_handlers.cc
  absl::Status SummarizeStances(const v1::SummarizeStancesRequest& request,
                                v1::SummarizeStancesResponse& response,
                                const Call& call);
  absl::Status GetStanceTimeline(const v1::GetStanceTimelineRequest& request,
                                 v1::GetStanceTimelineResponse& response,
                                 const Call& call);
  // export_handler.cc: the file's chunks, and the data version it was read
  // at in `data_version`.
  absl::StatusOr<std::vector<google::api::HttpBody>> ExportResponses(
      const v1::ExportResponsesRequest& request, const Call& call,
      int64_t& data_version);
  // change_handlers.cc
  absl::Status ListChanges(const v1::ListChangesRequest& request,
                           v1::ListChangesResponse& response, const Call& call);
  // WatchChanges' reader (common::ChangeWatchHub::Fetch).
  absl::Status ReadWatchedChanges(common::FeedCursor& cursor,
                                  v1::WatchChangesResponse& out);

 private:
  // A retried idempotent write's first answer, looked up before any call to
  // listings (AIP-155: replay first), or nullopt to go ahead.
  template <typename T>
  absl::StatusOr<std::optional<Written<T>>> Replay(
      const common::IdempotencyKey& key) {
    auto stored = store_.FindStoredAnswer(key);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return std::nullopt;
    Written<T> written;
    if (!written.value.ParseFromString((*stored)->bytes)) {
      return absl::InternalError("a stored answer does not parse");
    }
    written.data_version = (*stored)->data_version;
    written.replayed = true;
    return written;
  }
  // An import whose recorded answer may be at most `max_answer_bytes`.
  absl::Status Import(const v1::ImportResponsesRequest& request,
                      v1::ImportResponsesResponse& response, const Call& call,
                      size_t max_answer_bytes);

  // The other names of the market `target` is: `known` when the caller gave
  // them (the gateway's dossier has them from the market's history), else
  // asked of nml-listings (TargetChecker::OtherNamesOf). Without an answer
  // (listings unreachable) none: the responses filed on the target itself
  // are still answered, and the outage is logged.
  std::vector<std::string> MergedInto(const std::string& target,
                                      const v1::TargetAliases* known,
                                      const Call& call);

  ResponsesStore& store_;
  TargetChecker& targets_;
  const size_t max_answer_bytes_;
};

}  // namespace nml::responses
