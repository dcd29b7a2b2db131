// Fuzzes what a List request brings besides its filter: `order_by` and the
// two kinds of page token (offset and keyset), against a fingerprint the
// fuzzer may or may not match.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/api/filter.h"
#include "common/api/page_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nml::common;
  FuzzedDataProvider in(data, size);
  const uint64_t fingerprint = in.ConsumeBool()
                                   ? Fingerprint({"parent", "filter", "order"})
                                   : in.ConsumeIntegral<uint64_t>();
  const std::string order_by = in.ConsumeRandomLengthString(256);
  ParseOrderBy(order_by, {"stated_on", "review_year", "create_time"},
               {{"stated_on", true}})
      .IgnoreError();
  const std::string token = in.ConsumeRemainingBytesAsString();
  if (auto offset = DecodePageToken(token, fingerprint); offset.ok()) {
    // A token that decodes is one this fingerprint made: it round-trips,
    // and its data version is the one read without the fingerprint.
    if (offset->offset < 0 || offset->data_version < 0) __builtin_trap();
    if (EncodePageToken(fingerprint, offset->offset, offset->data_version) !=
        token) {
      __builtin_trap();
    }
    if (PageTokenDataVersion(token) != offset->data_version) __builtin_trap();
  }
  if (auto cursor = DecodeCursorToken(token, fingerprint); cursor.ok()) {
    if (EncodeCursorToken(fingerprint, *cursor) != token) __builtin_trap();
  }
  return 0;
}
