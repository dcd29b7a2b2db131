#pragma once

#include <absl/status/statusor.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "services/gateway/rest_message.h"

namespace nml::gateway {

// The request headers with a meaning of their own on the REST side.

// Printable ASCII: what a gRPC metadata value (not -bin) may hold, so what
// `authorization` may hold to be passed on (`x-request-id` is held to
// common::AcceptRequestId's stricter rule).
bool IsMetadataValue(std::string_view value);

// A caller's bound on the call: `grpc-timeout` ("250m", "5S": 1..8 digits and
// a unit H M S m u n) or `x-server-timeout` (seconds, "1.5"), as Google's
// front ends accept. nullopt when neither is given; INVALID_ARGUMENT naming
// the header when one is malformed.
absl::StatusOr<std::optional<std::chrono::nanoseconds>> CallerTimeout(
    const RestRequest& request);

// An entity tag from If-Match / If-None-Match: W/ and quotes removed.
std::string Unquote(std::string tag);

}  // namespace nml::gateway
