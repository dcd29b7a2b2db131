#pragma once

#include <absl/status/status.h>

#include <exception>

namespace nml::common {

// Maps an exception thrown by libpqxx (or anything else) to a status a client
// can act on. Connection loss is UNAVAILABLE (retryable), a statement timeout
// DEADLINE_EXCEEDED, constraint violations ALREADY_EXISTS /
// FAILED_PRECONDITION, serialization failures ABORTED; everything else is
// INTERNAL with the detail kept out of the message (it is logged instead).
absl::Status StatusFromException(const std::exception& error);

}  // namespace nml::common
