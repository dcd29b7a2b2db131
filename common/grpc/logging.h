#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>

#include "common/config.h"
#include "common/grpc/metrics.h"

namespace nml::common {

// Configures the default spdlog logger: text for people, or one JSON object
// per line for log collectors. `service` names the process in every line.
void InitLogging(const LogOptions& options, const std::string& service);

// Logs one line per RPC (method, code, latency, request id, peer) and records
// it in `metrics`. The request id comes from the `x-request-id` metadata, or
// is made up, and is echoed in the initial metadata of the answer. Health
// checks log at debug level so probes do not drown the log.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRpcLogInterceptorFactory(RpcMetrics* metrics);

// A random 16-hex-digit id for requests that arrive without one.
std::string NewRequestId();

// The request id a caller sent, kept only when it is 1 to 128 characters
// of letters, digits and "-_.:" (a UUID, a trace id); anything else (spaces,
// "=", quotes, control bytes) could forge fields in a text log line, so it
// is replaced by a NewRequestId().
std::string AcceptRequestId(std::string_view given);

// A value for a text log line's `key=value` field: as it is when it holds
// only characters no field syntax uses, otherwise double-quoted with `"`,
// `\` and bytes outside printable ASCII escaped, so no input can end the
// field early or add one.
std::string LogField(std::string_view value);

}  // namespace nml::common
