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

// Maps an exception thrown by libpqxx (or anything else) to a status a client
// can act on. Connection loss is UNAVAILABLE (retryable), a statement timeout
// DEADLINE_EXCEEDED, constraint violations ALREADY_EXISTS /
// FAILED_PRECONDITION, serialization failures ABORTED; everything else is
// INTERNAL with the detail kept out of the message (it is logged instead).
absl::Status StatusFromException(const std::exception& error);

// The same for the exception currently being handled; call only inside a
// catch block.
absl::Status StatusFromCurrentException();

}  // namespace nml::common
