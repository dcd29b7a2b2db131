#include "services/gateway/rest_message.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/api/percent_encoding.h"
#include "common/api/status.h"
#include "common/api/strings.h"
#include "google/rpc/status.pb.h"
#include "services/gateway/json_printer.h"

namespace nml::gateway {

int HttpStatusFor(int grpc_code) {
  switch (grpc_code) {
    case 0:
      return 200;
    case 1:
      return 499;  // CANCELLED
    case 3:
      return 400;  // INVALID_ARGUMENT
    case 4:
      return 504;  // DEADLINE_EXCEEDED
    case 5:
      return 404;  // NOT_FOUND
    case 6:
      return 409;  // ALREADY_EXISTS
    case 7:
      return 403;  // PERMISSION_DENIED
    case 8:
      return 429;  // RESOURCE_EXHAUSTED
    case 9:
      return 400;  // FAILED_PRECONDITION
    case 10:
      return 409;  // ABORTED
    case 11:
      return 400;  // OUT_OF_RANGE
    case 12:
      return 501;  // UNIMPLEMENTED
    case 14:
      return 503;  // UNAVAILABLE
    case 16:
      return 401;  // UNAUTHENTICATED
    default:
      return 500;  // UNKNOWN, INTERNAL, DATA_LOSS
  }
}

RestReply ErrorReply(grpc::StatusCode code, std::string_view message,
                     int http_status, nlohmann::json details) {
  const int grpc_code = static_cast<int>(code);
  RestReply reply;
  reply.status = http_status != 0 ? http_status : HttpStatusFor(grpc_code);
  nlohmann::json body;
  body["error"]["code"] = reply.status;
  body["error"]["status"] = std::string(common::GrpcCodeName(grpc_code));
  body["error"]["message"] = common::EchoInput(message, 1024);
  body["error"]["details"] = std::move(details);
  reply.body = body.dump();
  return reply;
}

RestReply ErrorReply(const absl::Status& status) {
  return ErrorReply(static_cast<grpc::StatusCode>(status.code()),
                    common::Std(status.message()));
}

RestReply ErrorReply(const grpc::Status& backend_status, int http_status) {
  const grpc::Status status = common::WithoutChannelDetail(backend_status);
  nlohmann::json details = nlohmann::json::array();
  google::rpc::Status rich;
  if (!status.error_details().empty() &&
      rich.ParseFromString(status.error_details())) {
    // Any prints as its type's JSON with "@type" (the AIP-193 shape).
    const auto printed = nlohmann::json::parse(ToJson(rich), nullptr, false);
    if (printed.is_object() && printed.contains("details"))
      details = printed["details"];
  }
  RestReply reply = ErrorReply(status.error_code(), status.error_message(),
                               http_status, std::move(details));
  // A busy backend's RetryInfo, as HTTP says it: whole seconds, at least 1.
  if (const auto delay = common::RetryDelay(status)) {
    reply.headers.emplace_back(
        "Retry-After",
        std::to_string(std::max<int64_t>(1, (delay->count() + 999) / 1000)));
  }
  return reply;
}

}  // namespace nml::gateway
