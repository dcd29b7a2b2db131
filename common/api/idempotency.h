#pragma once

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <string>

namespace nml::common {

// What makes a retried write return its first answer (AIP-155).
struct IdempotencyKey {
  std::string method;
  std::string request_id;     // empty: not idempotent
  std::string request_bytes;  // the request without its request_id
};

// The request as a retry must repeat it: serialised deterministically,
// without its request_id, so two retries of one request compare equal byte
// for byte (AIP-155).
template <typename Request>
std::string RequestFingerprintBytes(const Request& request) {
  Request canonical = request;
  if constexpr (requires { canonical.clear_request_id(); }) {
    canonical.clear_request_id();
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    canonical.SerializeToCodedStream(&coded);
  }
  return bytes;
}

// The key of `request` (its method, its request_id and its bytes).
template <typename Request>
IdempotencyKey IdempotencyKeyOf(const Request& request,
                                const std::string& request_id) {
  return IdempotencyKey{std::string(Request::descriptor()->name()), request_id,
                        RequestFingerprintBytes(request)};
}

}  // namespace nml::common
