#include "common/api/status.h"

#include <absl/strings/cord.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "common/api/strings.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace nml::common {

std::string_view GrpcCodeName(int code) {
  static constexpr std::string_view kNames[] = {"OK",
                                                "CANCELLED",
                                                "UNKNOWN",
                                                "INVALID_ARGUMENT",
                                                "DEADLINE_EXCEEDED",
                                                "NOT_FOUND",
                                                "ALREADY_EXISTS",
                                                "PERMISSION_DENIED",
                                                "RESOURCE_EXHAUSTED",
                                                "FAILED_PRECONDITION",
                                                "ABORTED",
                                                "OUT_OF_RANGE",
                                                "UNIMPLEMENTED",
                                                "INTERNAL",
                                                "UNAVAILABLE",
                                                "DATA_LOSS",
                                                "UNAUTHENTICATED"};
  if (code < 0 || code >= static_cast<int>(std::size(kNames))) return "UNKNOWN";
  return kNames[code];
}

namespace {

constexpr char kTypePrefix[] = "type.googleapis.com/google.rpc.";
constexpr char kErrorInfoType[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kResourceInfoType[] =
    "type.googleapis.com/google.rpc.ResourceInfo";
constexpr char kRetryInfoType[] = "type.googleapis.com/google.rpc.RetryInfo";
constexpr char kBadRequestType[] = "type.googleapis.com/google.rpc.BadRequest";

// The google.rpc detail messages of type `T` (by type URL) in a status.
template <typename T>
std::vector<T> Details(const grpc::Status& status, std::string_view type) {
  std::vector<T> found;
  google::rpc::Status details;
  if (status.error_details().empty() ||
      !details.ParseFromString(status.error_details())) {
    return found;
  }
  for (const auto& any : details.details()) {
    T detail;
    if (any.type_url() == type && detail.ParseFromString(any.value())) {
      found.push_back(std::move(detail));
    }
  }
  return found;
}

}  // namespace

std::string BoundedMessage(std::string_view message) {
  if (message.size() <= kMaxStatusMessageBytes) return std::string(message);
  size_t end = kMaxStatusMessageBytes - 3;
  // Back to the start of a character, so the cut text is still UTF-8.
  while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0) == 0x80)
    --end;
  return absl::StrCat(Absl(message.substr(0, end)), "...");
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message = BoundedMessage(Std(status.message()));
  // Every google.rpc detail payload travels, as the standard rich error
  // model's details.
  google::rpc::Status details;
  bool has_reason = false;
  std::string missing;  // a ResourceInfo's resource name
  status.ForEachPayload([&](absl::string_view type, const absl::Cord& value) {
    if (!absl::StartsWith(type, kTypePrefix)) return;
    auto* any = details.add_details();
    any->set_type_url(std::string(type));
    any->set_value(std::string(value));
    has_reason = has_reason || type == kErrorInfoType;
    google::rpc::ResourceInfo resource;
    if (type == kResourceInfoType && missing.empty() &&
        resource.ParseFromString(std::string(value))) {
      missing = resource.resource_name();
    }
  });
  // And every error has a google.rpc.ErrorInfo (AIP-193), so a client
  // branches on a reason, not on a message: the one the error set
  // (ETAG_MISMATCH), else the code's name, RESOURCE_NOT_FOUND for NOT_FOUND.
  if (!has_reason) {
    google::rpc::ErrorInfo info;
    info.set_reason(code == grpc::StatusCode::NOT_FOUND
                        ? std::string(kResourceNotFoundReason)
                        : std::string(GrpcCodeName(code)));
    info.set_domain(kErrorDomain);
    if (!missing.empty()) (*info.mutable_metadata())["resource"] = missing;
    auto* any = details.add_details();
    any->set_type_url(kErrorInfoType);
    any->set_value(info.SerializeAsString());
  }
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  return grpc::Status(code, message, details.SerializeAsString());
}

absl::Status EtagMismatchError(std::string_view field) {
  absl::Status status = absl::AbortedError(
      absl::StrCat(Absl(field),
                   ": the resource changed since it was read (etag "
                   "mismatch); read it again"));
  google::rpc::ErrorInfo info;
  info.set_reason(kEtagMismatchReason);
  info.set_domain(kErrorDomain);
  (*info.mutable_metadata())["field"] = std::string(field);
  status.SetPayload(kErrorInfoType, absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status CheckEtag(std::string_view given, std::string_view current,
                       std::string_view field) {
  if (given.empty() || given == current) return absl::OkStatus();
  return EtagMismatchError(field);
}

std::vector<std::string> ErrorInfoReasons(const grpc::Status& status) {
  std::vector<std::string> reasons;
  for (const auto& info :
       Details<google::rpc::ErrorInfo>(status, kErrorInfoType)) {
    reasons.push_back(info.reason());
  }
  return reasons;
}

absl::Status ResourceNotFound(std::string_view resource_name,
                              std::string_view message) {
  absl::Status status = absl::NotFoundError(Absl(message));
  google::rpc::ResourceInfo info;
  info.set_resource_name(std::string(resource_name));
  info.set_description("not found");
  status.SetPayload(kResourceInfoType, absl::Cord(info.SerializeAsString()));
  return status;
}

std::vector<std::string> MissingResources(const grpc::Status& status) {
  std::vector<std::string> names;
  for (const auto& info :
       Details<google::rpc::ResourceInfo>(status, kResourceInfoType)) {
    names.push_back(info.resource_name());
  }
  return names;
}

absl::Status FieldViolationsError(
    std::string_view message,
    const std::vector<std::pair<std::string, std::string>>& violations) {
  absl::Status status = absl::InvalidArgumentError(Absl(message));
  google::rpc::BadRequest request;
  for (const auto& [field, description] : violations) {
    auto* v = request.add_field_violations();
    v->set_field(field);
    v->set_description(std::string(BoundedMessage(description)));
  }
  status.SetPayload(kBadRequestType, absl::Cord(request.SerializeAsString()));
  return status;
}

std::vector<std::pair<std::string, std::string>> FieldViolations(
    const grpc::Status& status) {
  std::vector<std::pair<std::string, std::string>> violations;
  for (const auto& request :
       Details<google::rpc::BadRequest>(status, kBadRequestType)) {
    for (const auto& v : request.field_violations()) {
      violations.emplace_back(v.field(), v.description());
    }
  }
  return violations;
}

absl::Status BusyError(std::string_view message,
                       std::chrono::milliseconds retry_after) {
  absl::Status status = absl::ResourceExhaustedError(Absl(message));
  google::rpc::RetryInfo info;
  const int64_t ms = std::max<int64_t>(1, retry_after.count());
  info.mutable_retry_delay()->set_seconds(ms / 1000);
  info.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) *
                                        1000000);
  status.SetPayload(kRetryInfoType, absl::Cord(info.SerializeAsString()));
  return status;
}

std::optional<std::chrono::milliseconds> RetryDelay(
    const grpc::Status& status) {
  const auto infos = Details<google::rpc::RetryInfo>(status, kRetryInfoType);
  if (infos.empty()) return std::nullopt;
  const auto& delay = infos.front().retry_delay();
  return std::chrono::milliseconds(delay.seconds() * 1000 +
                                   delay.nanos() / 1000000);
}

absl::Status FieldError(std::string_view field, std::string_view message) {
  std::string text(field);
  text += ": ";
  text += message;
  return absl::InvalidArgumentError(text);
}

absl::Status CheckAnswerSize(size_t answer_bytes, size_t max_answer_bytes,
                             std::string_view field) {
  if (answer_bytes <= max_answer_bytes) return absl::OkStatus();
  return FieldError(
      field, absl::StrCat("the answer would be ", answer_bytes,
                          " bytes, more than this server sends in one "
                          "message (--max-message-bytes ",
                          max_answer_bytes,
                          "); nothing was written: send fewer rows per call"));
}

grpc::Status WithoutChannelDetail(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE) return status;
  const std::string& message = status.error_message();
  // gRPC 1.51's load-balancing and resolver failures; a server's own
  // UNAVAILABLE ("database unavailable") names no address.
  const bool channel = absl::StrContains(message, "last error:") ||
                       absl::StrContains(message, "ipv4:") ||
                       absl::StrContains(message, "ipv6:") ||
                       absl::StrContains(message, "unix:") ||
                       absl::StartsWith(message, "DNS resolution failed") ||
                       absl::StartsWith(message, "empty address list");
  if (!channel) return status;
  spdlog::warn("backend unreachable: {}", BoundedMessage(message));
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      "a backend service is unreachable; retry shortly");
}

}  // namespace nml::common
