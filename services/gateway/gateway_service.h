#pragma once

#include <grpcpp/channel.h>

#include <memory>

#include "nml/gateway/v1/gateway_service.grpc.pb.h"

namespace nml::gateway {

// Composed reads over the two backends. Methods not overridden yet answer
// UNIMPLEMENTED.
class GatewayServiceImpl final
    : public nml::gateway::v1::GatewayService::CallbackService {
 public:
  GatewayServiceImpl(std::shared_ptr<grpc::Channel> listings,
                     std::shared_ptr<grpc::Channel> responses)
      : listings_(std::move(listings)), responses_(std::move(responses)) {}

 private:
  std::shared_ptr<grpc::Channel> listings_;
  std::shared_ptr<grpc::Channel> responses_;
};

}  // namespace nml::gateway
