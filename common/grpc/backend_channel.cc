#include "common/grpc/backend_channel.h"

#include <grpcpp/create_channel.h>

namespace nml::common {

std::shared_ptr<grpc::Channel> MakeBackendChannel(
    const std::string& address,
    std::shared_ptr<grpc::ChannelCredentials> credentials,
    const std::string& service_config_json) {
  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName("round_robin");
  if (!service_config_json.empty()) {
    args.SetServiceConfigJSON(service_config_json);
  }
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return grpc::CreateCustomChannel(address, std::move(credentials), args);
}

}  // namespace nml::common
