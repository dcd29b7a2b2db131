#include "common/status.h"

#include <absl/strings/cord.h>
#include <absl/strings/str_cat.h>

#include <string>

#include "common/strings.h"
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

constexpr char kErrorInfoType[] = "type.googleapis.com/google.rpc.ErrorInfo";

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  const auto info = status.GetPayload(kErrorInfoType);  // absl::optional
  if (!info.has_value()) return grpc::Status(code, message);
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  auto* any = details.add_details();
  any->set_type_url(kErrorInfoType);
  any->set_value(std::string(*info));
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
  google::rpc::Status details;
  if (status.error_details().empty() ||
      !details.ParseFromString(status.error_details())) {
    return reasons;
  }
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.type_url() == kErrorInfoType && info.ParseFromString(any.value())) {
      reasons.push_back(info.reason());
    }
  }
  return reasons;
}

absl::Status FieldError(std::string_view field, std::string_view message) {
  std::string text(field);
  text += ": ";
  text += message;
  return absl::InvalidArgumentError(text);
}

}  // namespace nml::common
