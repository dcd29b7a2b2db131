#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

namespace nml::common {

// INVALID_ARGUMENT naming the first string field of `message`, at any depth
// ("listings[3].market_display_name"), that holds a NUL character: no
// string nml stores or matches may hold one (PostgreSQL's text cannot, and
// a C string would end there). Bytes fields may.
absl::Status CheckNoNul(const google::protobuf::Message& message);

// What a handler may know of its call. Handlers take this instead of a gRPC
// context so that tests call them as plain functions.
struct CallInfo {
  std::chrono::system_clock::time_point deadline =
      std::chrono::system_clock::time_point::max();
  // The least data version the answer must reflect
  // (kMinDataVersionMetadata, what an earlier write answered); 0 for any.
  int64_t min_data_version = 0;
};

// What every call is checked for before its handler runs: the auth
// decision (AuthDecision), CheckNoNul of its request, and its
// x-nml-min-data-version (INVALID_ARGUMENT naming the header when it is
// not a whole number >= 0). Its CallInfo when it may go on.
absl::StatusOr<CallInfo> CheckCall(const grpc::ServerContextBase& context,
                                   const google::protobuf::Message& request);

// `value` of header `header` (x-nml-min-data-version or the gateway's
// x-nml-min-responses-data-version) as a data version: INVALID_ARGUMENT
// naming the header when it is not a whole number >= 0. CheckCall uses it;
// the gateway checks its headers with it before any leg runs.
absl::StatusOr<int64_t> ParseMinDataVersion(std::string_view header,
                                            std::string_view value);

// An interceptor for what gRPC answers before any handler runs: a request
// that does not decode (a string field holding invalid UTF-8, or bytes that
// are not the request message) is answered UNIMPLEMENTED with no message by
// gRPC 1.51's callback server; this makes it INVALID_ARGUMENT naming the
// field protobuf refused, so a client knows what to fix.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRequestDecodeInterceptorFactory();

}  // namespace nml::common
