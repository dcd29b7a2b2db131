#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <cstdint>
#include <memory>

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

// The data version a call asks for at least (kMinDataVersionMetadata): 0
// without the header; INVALID_ARGUMENT naming it when it is not a whole
// number >= 0.
absl::StatusOr<int64_t> MinDataVersion(const grpc::ServerContextBase& context);

// An interceptor for what gRPC answers before any handler runs: a request
// that does not decode (a string field holding invalid UTF-8, or bytes that
// are not the request message) is answered UNIMPLEMENTED with no message by
// gRPC 1.51's callback server; this makes it INVALID_ARGUMENT naming the
// field protobuf refused, so a client knows what to fix.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRequestDecodeInterceptorFactory();

}  // namespace nml::common
