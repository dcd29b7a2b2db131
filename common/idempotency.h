#pragma once

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <string>

namespace nml::common {

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

}  // namespace nml::common
