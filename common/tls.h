#pragma once

#include <absl/status/statusor.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "common/config.h"

namespace nml::common {

// Plaintext, TLS, or TLS requiring and verifying client certificates.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsOptions& options);
// Plaintext, or TLS verifying the server against the CA (and presenting a
// client certificate when one is given).
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ClientTlsOptions& options);

}  // namespace nml::common
