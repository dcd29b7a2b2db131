#pragma once

#include <absl/status/status.h>

#include <string_view>

#include "common/config.h"

namespace boost::asio::ssl {
class context;
}

namespace nml::common {

// Loads a server's certificate and key into `context` (TLS 1.2 and newer),
// and with a client CA requires and verifies client certificates (mTLS).
// `flag` names the options in errors: "--tls" for --tls-cert and the rest.
// Both the gRPC front (common/grpc/grpc_front.h) and the gateway's HTTPS side
// serve TLS this way.
absl::Status ConfigureServerTls(const ServerTlsOptions& options,
                                std::string_view flag,
                                boost::asio::ssl::context& context);

}  // namespace nml::common
