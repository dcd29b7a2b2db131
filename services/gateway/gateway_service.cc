#include "services/gateway/gateway_service.h"

#include "common/api/names.h"
#include "common/api/status.h"
#include "common/grpc/request_check.h"

namespace nml::gateway {

absl::StatusOr<LegOptions> GatewayServiceImpl::OptionsFor(
    const grpc::CallbackServerContext& context) const {
  LegOptions options;
  options.deadline = std::min(
      context.deadline(), std::chrono::system_clock::now() + default_deadline_);
  const auto& given = context.client_metadata();
  for (const char* key : {"authorization", "x-request-id"}) {
    const auto it = given.find(key);
    if (it != given.end()) {
      options.metadata.emplace_back(
          key, std::string(it->second.data(), it->second.size()));
    }
  }
  for (auto [key, value] : {std::pair{common::kMinDataVersionMetadata,
                                      &options.min_listings_version},
                            std::pair{common::kMinResponsesDataVersionMetadata,
                                      &options.min_responses_version}}) {
    if (const auto it = given.find(key); it != given.end()) {
      value->assign(it->second.data(), it->second.size());
      if (auto version = common::ParseMinDataVersion(key, *value);
          !version.ok()) {
        return version.status();
      }
    }
  }
  return options;
}

grpc::ServerUnaryReactor* GatewayServiceImpl::GetMarketDossier(
    grpc::CallbackServerContext* context,
    const v1::GetMarketDossierRequest* request,
    v1::GetMarketDossierResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (const auto call = common::CheckCall(*context, *request); !call.ok()) {
    reactor->Finish(common::ToGrpcStatus(call.status()));
    return reactor;
  }
  const auto options = OptionsFor(*context);
  if (!options.ok()) {
    reactor->Finish(common::ToGrpcStatus(options.status()));
    return reactor;
  }
  composer_->GetMarketDossier(
      *options, *request, response,
      [reactor](grpc::Status status) { reactor->Finish(status); });
  return reactor;
}

grpc::ServerUnaryReactor* GatewayServiceImpl::GetReviewReport(
    grpc::CallbackServerContext* context,
    const v1::GetReviewReportRequest* request,
    v1::GetReviewReportResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (const auto call = common::CheckCall(*context, *request); !call.ok()) {
    reactor->Finish(common::ToGrpcStatus(call.status()));
    return reactor;
  }
  const auto options = OptionsFor(*context);
  if (!options.ok()) {
    reactor->Finish(common::ToGrpcStatus(options.status()));
    return reactor;
  }
  composer_->GetReviewReport(
      *options, *request, response,
      [reactor](grpc::Status status) { reactor->Finish(status); });
  return reactor;
}

}  // namespace nml::gateway
