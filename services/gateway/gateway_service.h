#pragma once

#include <absl/status/statusor.h>

#include <chrono>

#include "nml/gateway/v1/gateway_service.grpc.pb.h"
#include "services/gateway/composer.h"

namespace nml::gateway {

// nml.gateway.v1.GatewayService over gRPC: the caller's deadline (or the
// default) and its `authorization` and `x-request-id` handed to the
// Composer, which does the work.
class GatewayServiceImpl final
    : public nml::gateway::v1::GatewayService::CallbackService {
 public:
  GatewayServiceImpl(Composer* composer,
                     std::chrono::milliseconds default_deadline)
      : composer_(composer), default_deadline_(default_deadline) {}

  grpc::ServerUnaryReactor* GetMarketDossier(
      grpc::CallbackServerContext* context,
      const v1::GetMarketDossierRequest* request,
      v1::GetMarketDossierResponse* response) override;
  grpc::ServerUnaryReactor* GetReviewReport(
      grpc::CallbackServerContext* context,
      const v1::GetReviewReportRequest* request,
      v1::GetReviewReportResponse* response) override;

 private:
  // INVALID_ARGUMENT for an x-nml-min-responses-data-version that is not a
  // version (CheckCall has checked x-nml-min-data-version).
  absl::StatusOr<LegOptions> OptionsFor(
      const grpc::CallbackServerContext& context) const;

  Composer* composer_;
  const std::chrono::milliseconds default_deadline_;
};

}  // namespace nml::gateway
