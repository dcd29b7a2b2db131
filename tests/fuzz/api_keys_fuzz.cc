// Fuzzes the API keys configuration and the authorization header against
// the policy it makes.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/grpc/auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nml::common;
  FuzzedDataProvider in(data, size);
  const std::string method = in.ConsumeRandomLengthString(128);
  const std::string authorization = in.ConsumeRandomLengthString(256);
  auto keys = ApiKeys::Parse(in.ConsumeRemainingBytesAsString());
  if (!keys.ok()) return 0;
  const bool anonymous_reads = (size & 1) != 0;
  const AuthPolicy policy(*std::move(keys), anonymous_reads);
  policy.Decide(method, authorization).IgnoreError();
  return 0;
}
