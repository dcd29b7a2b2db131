#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <memory>
#include <string>

namespace nml::common {

// A channel from one nml service to another (the gateway to its backends,
// nml-responses to nml-listings): round-robin over every address the name
// resolves to (a headless Kubernetes Service's pods), and reconnect backoff
// for a backend in the same cluster: from 100 ms, capped at 500 ms (gRPC's
// default caps at 120 s, so after a long outage a backend that was back
// stayed unused for up to two minutes). A backend that is down costs a
// refused connection twice a second. `service_config_json` (retries) is
// optional.
std::shared_ptr<grpc::Channel> MakeBackendChannel(
    const std::string& address,
    std::shared_ptr<grpc::ChannelCredentials> credentials,
    const std::string& service_config_json = "");

}  // namespace nml::common
