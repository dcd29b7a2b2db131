#pragma once

#include <absl/status/statusor.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace nml::common {

// Opaque page tokens (AIP-158) for offset-paged lists. A token is bound to
// the request that produced it through a fingerprint of the parameters that
// shape the list (parent, filter, order_by) and signed with HMAC-SHA256
// under the page token key: one presented with other parameters, or
// altered, or made up, is INVALID_ARGUMENT.
//
// A token also holds the data version its list was read at (0: none), so
// the next page is cut from the same data, on whichever replica takes it:
// an offset into other data would skip or repeat rows.
struct OffsetToken {
  int64_t offset = 0;
  int64_t data_version = 0;
};
std::string EncodePageToken(uint64_t fingerprint, int64_t offset,
                            int64_t data_version = 0);
absl::StatusOr<OffsetToken> DecodePageToken(std::string_view token,
                                            uint64_t fingerprint);
// The data version of an offset token whose signature holds, before the
// request it belongs to is known (to choose the data to answer from); 0 for
// an empty token or one that is not valid (the list refuses it then).
int64_t PageTokenDataVersion(std::string_view token);

// Sets the page token key from a secret (--page-token-key; the replicas of
// a service share it, so a token from one is good on another). Until it is
// called the key is random: tokens hold only in this process.
void SetPageTokenKey(std::string_view secret);

// Keyset tokens: the sort key and sequence number of the last row of a page.
struct Cursor {
  std::string key;
  int64_t seq = 0;
};
std::string EncodeCursorToken(uint64_t fingerprint, const Cursor& cursor);
absl::StatusOr<Cursor> DecodeCursorToken(std::string_view token,
                                         uint64_t fingerprint);

// A stable 64-bit FNV-1a hash of the joined parts.
uint64_t Fingerprint(std::initializer_list<std::string_view> parts);

// Applies the paging rules every List shares: 0 means the default (50),
// negative is INVALID_ARGUMENT, above the maximum (1000) is capped.
absl::StatusOr<int> EffectivePageSize(int requested, int default_size = 50,
                                      int max_size = 1000);

}  // namespace nml::common
