#pragma once

#include <absl/status/status.h>
#include <grpcpp/support/status.h>

#include <exception>
#include <string_view>

namespace nml::common {

// "NOT_FOUND" for 5; "UNKNOWN" for numbers that are not gRPC codes.
std::string_view GrpcCodeName(int code);

// absl::Status and grpc::Status use the same code numbers, so the mapping at
// the edge of a handler is lossless.
grpc::Status ToGrpcStatus(const absl::Status& status);

// INVALID_ARGUMENT whose message starts with the offending field path, e.g.
// "review.declared_online_count: must be >= 0" (AIP-193).
absl::Status FieldError(std::string_view field, std::string_view message);

}  // namespace nml::common
