#pragma once

#include <absl/status/status.h>
#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

namespace nml::common {

// INVALID_ARGUMENT naming the first string field of `message`, at any depth
// ("listings[3].market_display_name"), that holds a NUL character: no
// string nml stores or matches may hold one (PostgreSQL's text cannot, and
// a C string would end there). Bytes fields may.
absl::Status CheckNoNul(const google::protobuf::Message& message);

// What every call is checked for before its handler runs: the auth
// decision (AuthDecision), then CheckNoNul of its request.
absl::Status CheckCall(const grpc::ServerContextBase& context,
                       const google::protobuf::Message& request);

}  // namespace nml::common
