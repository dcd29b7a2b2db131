#pragma once

#include <absl/status/statusor.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string_view>

#include "common/config.h"

namespace nml::common {

// Plaintext, or TLS verifying the server against the CA (and presenting a
// client certificate when one is given).
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ClientTlsOptions& options);

}  // namespace nml::common
