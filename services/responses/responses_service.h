#pragma once

#include <atomic>
#include <chrono>

#include "common/grpc/change_watch.h"
#include "common/grpc/executor.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"
#include "services/responses/responses_handlers.h"

namespace nml::responses {

// nml.responses.v1.ResponsesService over gRPC: each RPC is its handler in
// ResponsesHandlers, served by common::ServeUnary on the executor (every
// handler talks to PostgreSQL, and some to the listings service).
class ResponsesServiceImpl final
    : public nml::responses::v1::ResponsesService::CallbackService {
 public:
  // `watch_heartbeat`: how long a WatchChanges stream may go without a
  // message before a heartbeat.
  ResponsesServiceImpl(
      ResponsesHandlers& handlers, common::Executor& executor,
      std::chrono::milliseconds watch_heartbeat = std::chrono::seconds(15));

  // A data version was committed (the database's notification): watchers
  // behind it read on.
  void Advanced(int64_t version);
  // Ends every WatchChanges stream (UNAVAILABLE), before the server shuts
  // down.
  void StopWatches() { watches_.Stop(); }
  const common::ChangeWatchHub<v1::WatchChangesResponse>& watches() const {
    return watches_;
  }

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* GetStakeholder(Context*, const v1::GetStakeholderRequest*,
                          v1::GetStakeholderResponse*) override;
  Reactor* ListStakeholders(Context*, const v1::ListStakeholdersRequest*,
                            v1::ListStakeholdersResponse*) override;
  Reactor* CreateStakeholder(Context*, const v1::CreateStakeholderRequest*,
                             v1::CreateStakeholderResponse*) override;
  Reactor* UpdateStakeholder(Context*, const v1::UpdateStakeholderRequest*,
                             v1::UpdateStakeholderResponse*) override;
  Reactor* DeleteStakeholder(Context*, const v1::DeleteStakeholderRequest*,
                             v1::DeleteStakeholderResponse*) override;
  Reactor* GetResponse(Context*, const v1::GetResponseRequest*,
                       v1::GetResponseResponse*) override;
  Reactor* ListResponses(Context*, const v1::ListResponsesRequest*,
                         v1::ListResponsesResponse*) override;
  Reactor* CreateResponse(Context*, const v1::CreateResponseRequest*,
                          v1::CreateResponseResponse*) override;
  Reactor* UpdateResponse(Context*, const v1::UpdateResponseRequest*,
                          v1::UpdateResponseResponse*) override;
  Reactor* DeleteResponse(Context*, const v1::DeleteResponseRequest*,
                          v1::DeleteResponseResponse*) override;
  Reactor* UndeleteResponse(Context*, const v1::UndeleteResponseRequest*,
                            v1::UndeleteResponseResponse*) override;
  Reactor* ImportResponses(Context*, const v1::ImportResponsesRequest*,
                           v1::ImportResponsesResponse*) override;
  grpc::ServerReadReactor<v1::ImportResponsesStreamRequest>*
  ImportResponsesStream(Context*, v1::ImportResponsesStreamResponse*) override;
  Reactor* SummarizeStances(Context*, const v1::SummarizeStancesRequest*,
                            v1::SummarizeStancesResponse*) override;
  Reactor* GetStanceTimeline(Context*, const v1::GetStanceTimelineRequest*,
                             v1::GetStanceTimelineResponse*) override;
  Reactor* ListChanges(Context*, const v1::ListChangesRequest*,
                       v1::ListChangesResponse*) override;
  grpc::ServerWriteReactor<v1::WatchChangesResponse>* WatchChanges(
      Context* context, const v1::WatchChangesRequest* request) override;
  grpc::ServerWriteReactor<google::api::HttpBody>* ExportResponses(
      Context* context, const v1::ExportResponsesRequest* request) override;

 private:
  ResponsesHandlers& handlers_;
  common::Executor& executor_;
  std::atomic<int64_t> version_{0};  // the newest version announced
  common::ChangeWatchHub<v1::WatchChangesResponse> watches_;
};

}  // namespace nml::responses
