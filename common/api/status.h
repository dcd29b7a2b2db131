#pragma once

#include <absl/status/status.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nml::common {

// "NOT_FOUND" for 5; "UNKNOWN" for numbers that are not gRPC codes.
std::string_view GrpcCodeName(int code);

// A call that reached no server fails UNAVAILABLE with gRPC's own text
// ("failed to connect to all addresses; last error: UNKNOWN:
// ipv4:10.0.0.7:50052: Connection refused"): right for the process that
// dialled, an internal address to anyone beyond it. The gateway answers its
// callers with this instead ("a backend service is unreachable; retry
// shortly"), logging the original; every other status passes unchanged.
grpc::Status WithoutChannelDetail(const grpc::Status& status);

// The most a status message carries: one that echoes input is cut there
// (at a character boundary, with "..."), so a huge input cannot make an
// error too large for a client's header limit.
inline constexpr size_t kMaxStatusMessageBytes = 1024;
std::string BoundedMessage(std::string_view message);

// absl::Status and grpc::Status use the same code numbers, so the mapping at
// the edge of a handler is lossless. google.rpc detail payloads (ErrorInfo
// from EtagMismatchError, ResourceInfo from ResourceNotFound) go with it as
// the standard rich error details: a google.rpc.Status in the
// grpc-status-details-bin trailer, with an ErrorInfo always (below).
grpc::Status ToGrpcStatus(const absl::Status& status);

// The google.rpc.ErrorInfo reason of a stale etag, and its domain. Every
// error ToGrpcStatus sends has an ErrorInfo: one of these reasons, or the
// code's name ("INVALID_ARGUMENT", "UNAVAILABLE", ...).
inline constexpr char kEtagMismatchReason[] = "ETAG_MISMATCH";
// NOT_FOUND's reason, with metadata `resource` when the error names it
// (ResourceNotFound).
inline constexpr char kResourceNotFoundReason[] = "RESOURCE_NOT_FOUND";
inline constexpr char kErrorDomain[] = "nml.example";

// ABORTED for a write whose etag is not the resource's current one
// (AIP-154): "<field>: the resource changed since it was read (etag
// mismatch); read it again", with a google.rpc.ErrorInfo {reason
// ETAG_MISMATCH, metadata field=<field>} so that a client (and the gateway,
// which answers an If-Match with 412) need not read the message.
absl::Status EtagMismatchError(std::string_view field);
// OK when `given` is empty (no precondition) or equals `current`.
absl::Status CheckEtag(std::string_view given, std::string_view current,
                       std::string_view field);

// The google.rpc.ErrorInfo reasons in a grpc::Status's details.
std::vector<std::string> ErrorInfoReasons(const grpc::Status& status);

// NOT_FOUND with a google.rpc.ResourceInfo naming the missing resource, so
// a caller that asked for several learns which without reading `message`.
absl::Status ResourceNotFound(std::string_view resource_name,
                              std::string_view message);
// The resource names of the ResourceInfo details in a grpc::Status.
std::vector<std::string> MissingResources(const grpc::Status& status);

// INVALID_ARGUMENT with `message` and a google.rpc.BadRequest listing each
// (field, description): one answer for several bad fields.
absl::Status FieldViolationsError(
    std::string_view message,
    const std::vector<std::pair<std::string, std::string>>& violations);
// The (field, description) pairs of a grpc::Status's BadRequest details.
std::vector<std::pair<std::string, std::string>> FieldViolations(
    const grpc::Status& status);

// RESOURCE_EXHAUSTED for a server too busy to take a call now, with a
// google.rpc.RetryInfo saying how long to wait before retrying (AIP-193);
// the gateway sends it as Retry-After.
absl::Status BusyError(std::string_view message,
                       std::chrono::milliseconds retry_after);
// The RetryInfo delay in a grpc::Status's details, if there is one.
std::optional<std::chrono::milliseconds> RetryDelay(const grpc::Status& status);

// INVALID_ARGUMENT whose message starts with the offending field path, e.g.
// "review.declared_online_count: must be >= 0" (AIP-193).
absl::Status FieldError(std::string_view field, std::string_view message);

// An answer larger than the server sends in one message (its
// --max-message-bytes) is refused before anything is written: gRPC would
// fail it after the commit, and every retry would replay that failure.
// INVALID_ARGUMENT naming `field` (the rows that made it large).
absl::Status CheckAnswerSize(size_t answer_bytes, size_t max_answer_bytes,
                             std::string_view field);

}  // namespace nml::common
