#pragma once

#include "common/executor.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"
#include "services/responses/responses_handlers.h"

namespace nml::responses {

// nml.responses.v1.ResponsesService over gRPC: each RPC is its handler in
// ResponsesHandlers, served by common::ServeUnary on the executor (every
// handler talks to PostgreSQL, and some to the listings service).
class ResponsesServiceImpl final
    : public nml::responses::v1::ResponsesService::CallbackService {
 public:
  ResponsesServiceImpl(ResponsesHandlers& handlers, common::Executor& executor)
      : handlers_(handlers), executor_(executor) {}

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

 private:
  ResponsesHandlers& handlers_;
  common::Executor& executor_;
};

}  // namespace nml::responses
