#include "services/responses/responses_service.h"

#include <absl/strings/str_cat.h>

#include "common/api/names.h"
#include "common/grpc/streamed_answer.h"
#include "common/grpc/streamed_import.h"
#include "common/grpc/unary.h"
#include "services/responses/export.h"

namespace nml::responses {

ResponsesServiceImpl::ResponsesServiceImpl(
    ResponsesHandlers& handlers, common::Executor& executor,
    std::chrono::milliseconds watch_heartbeat)
    : handlers_(handlers),
      executor_(executor),
      watches_(
          [&handlers](common::FeedCursor& cursor,
                      v1::WatchChangesResponse& out) {
            return handlers.ReadWatchedChanges(cursor, out);
          },
          watch_heartbeat) {}

void ResponsesServiceImpl::Advanced(int64_t version) {
  int64_t seen = version_.load();
  while (version > seen && !version_.compare_exchange_weak(seen, version)) {
  }
  watches_.Advanced(version);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::ListChanges(
    Context* context, const v1::ListChangesRequest* request,
    v1::ListChangesResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::ListChanges, request, response);
}

grpc::ServerWriteReactor<google::api::HttpBody>*
ResponsesServiceImpl::ExportResponses(
    Context* context, const v1::ExportResponsesRequest* request) {
  return common::ServeItems<google::api::HttpBody>(
      context, *request,
      [this, context, request](const common::CallInfo& call)
          -> absl::StatusOr<std::vector<google::api::HttpBody>> {
        int64_t version = 0;
        auto chunks = handlers_.ExportResponses(*request, call, version);
        if (chunks.ok()) {
          // As ListingsService.ExportData: the version and a file name.
          context->AddInitialMetadata(common::kDataVersionMetadata,
                                      absl::StrCat(version));
          context->AddInitialMetadata(
              "content-disposition",
              absl::StrCat("attachment; filename=\"",
                           ExportResponsesFileName(*request), "\""));
        }
        return chunks;
      },
      &executor_);
}

grpc::ServerWriteReactor<v1::WatchChangesResponse>*
ResponsesServiceImpl::WatchChanges(Context* context,
                                   const v1::WatchChangesRequest* request) {
  return watches_.Watch(context, *request,
                        request->has_since_data_version()
                            ? request->since_data_version()
                            : version_.load());
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::GetStakeholder(
    Context* context, const v1::GetStakeholderRequest* request,
    v1::GetStakeholderResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::GetStakeholder, request,
                            response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::ListStakeholders(
    Context* context, const v1::ListStakeholdersRequest* request,
    v1::ListStakeholdersResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::ListStakeholders, request,
                            response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::CreateStakeholder(
    Context* context, const v1::CreateStakeholderRequest* request,
    v1::CreateStakeholderResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::CreateStakeholder, request,
                            response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::UpdateStakeholder(
    Context* context, const v1::UpdateStakeholderRequest* request,
    v1::UpdateStakeholderResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::UpdateStakeholder, request,
                            response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::DeleteStakeholder(
    Context* context, const v1::DeleteStakeholderRequest* request,
    v1::DeleteStakeholderResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::DeleteStakeholder, request,
                            response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::GetResponse(
    Context* context, const v1::GetResponseRequest* request,
    v1::GetResponseResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::GetResponse, request, response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::ListResponses(
    Context* context, const v1::ListResponsesRequest* request,
    v1::ListResponsesResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::ListResponses, request,
                            response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::CreateResponse(
    Context* context, const v1::CreateResponseRequest* request,
    v1::CreateResponseResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::CreateResponse, request,
                            response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::UpdateResponse(
    Context* context, const v1::UpdateResponseRequest* request,
    v1::UpdateResponseResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::UpdateResponse, request,
                            response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::DeleteResponse(
    Context* context, const v1::DeleteResponseRequest* request,
    v1::DeleteResponseResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::DeleteResponse, request,
                            response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::UndeleteResponse(
    Context* context, const v1::UndeleteResponseRequest* request,
    v1::UndeleteResponseResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::UndeleteResponse, request,
                            response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::ImportResponses(
    Context* context, const v1::ImportResponsesRequest* request,
    v1::ImportResponsesResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::ImportResponses, request,
                            response);
}

grpc::ServerReadReactor<v1::ImportResponsesStreamRequest>*
ResponsesServiceImpl::ImportResponsesStream(
    Context* context, v1::ImportResponsesStreamResponse* response) {
  return common::ServeStreamedImport<v1::ImportResponsesStreamRequest>(
      context, executor_, &v1::ImportResponsesRequest::mutable_rows, "rows",
      [this, response](const v1::ImportResponsesRequest& import,
                       const common::CallInfo& call) {
        return handlers_.ImportResponsesStream(import, *response, call);
      });
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::SummarizeStances(
    Context* context, const v1::SummarizeStancesRequest* request,
    v1::SummarizeStancesResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::SummarizeStances, request,
                            response);
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::GetStanceTimeline(
    Context* context, const v1::GetStanceTimelineRequest* request,
    v1::GetStanceTimelineResponse* response) {
  return common::ServeUnary(context, &executor_, handlers_,
                            &ResponsesHandlers::GetStanceTimeline, request,
                            response);
}

}  // namespace nml::responses
