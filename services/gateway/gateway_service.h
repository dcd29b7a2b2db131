#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>

#include "nml/gateway/v1/gateway_service.grpc.pb.h"
#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"

namespace nml::gateway {

// Composed reads over the two backends, and nothing else: each section is
// one backend call, all made at once on the async stubs, each with the
// caller's deadline (less a margin to answer in). A failed section is left
// out and marked in `sections`; only the primary section (the market's
// history, the review) failing with NOT_FOUND or INVALID_ARGUMENT fails the
// call. The caller's `authorization` and `x-request-id` go to the backends.
class GatewayServiceImpl final
    : public nml::gateway::v1::GatewayService::CallbackService {
 public:
  GatewayServiceImpl(std::shared_ptr<grpc::Channel> listings,
                     std::shared_ptr<grpc::Channel> responses,
                     std::chrono::milliseconds default_deadline);

  grpc::ServerUnaryReactor* GetMarketDossier(
      grpc::CallbackServerContext* context,
      const v1::GetMarketDossierRequest* request,
      v1::GetMarketDossierResponse* response) override;
  grpc::ServerUnaryReactor* GetReviewReport(
      grpc::CallbackServerContext* context,
      const v1::GetReviewReportRequest* request,
      v1::GetReviewReportResponse* response) override;

 private:
  std::unique_ptr<listings::v1::ListingsService::Stub> listings_;
  std::unique_ptr<responses::v1::ResponsesService::Stub> responses_;
  const std::chrono::milliseconds default_deadline_;
};

}  // namespace nml::gateway
