#include "common/page_token.h"

#include <absl/strings/escaping.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>

#include "common/strings.h"

namespace nml::common {
namespace {

constexpr std::string_view kVersion = "p1";

uint64_t Fnv1a(std::string_view data, uint64_t hash) {
  for (const char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

uint64_t Fingerprint(std::initializer_list<std::string_view> parts) {
  uint64_t hash = 14695981039346656037ULL;
  for (std::string_view part : parts) {
    hash = Fnv1a(part, hash);
    hash = Fnv1a(std::string_view("\x1f", 1), hash);
  }
  return hash;
}

std::string EncodePageToken(uint64_t fingerprint, int64_t offset) {
  const std::string body =
      absl::StrCat(Absl(kVersion), ".", fingerprint, ".", offset);
  const uint64_t check = Fingerprint({body, "nml-page-token"});
  return absl::WebSafeBase64Escape(absl::StrCat(body, ".", check));
}

absl::StatusOr<int64_t> DecodePageToken(std::string_view token,
                                        uint64_t fingerprint) {
  const auto invalid = absl::InvalidArgumentError(
      "page_token: not a token from this list (it must come from the previous "
      "response, with the same filter and order_by)");
  if (token.size() > 512) return invalid;
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(std::string(token), &decoded))
    return invalid;
  std::vector<std::string> parts = absl::StrSplit(decoded, '.');
  if (parts.size() != 4 || parts[0] != kVersion) return invalid;
  uint64_t token_fingerprint = 0;
  int64_t offset = 0;
  uint64_t check = 0;
  if (!absl::SimpleAtoi(parts[1], &token_fingerprint) ||
      !absl::SimpleAtoi(parts[2], &offset) ||
      !absl::SimpleAtoi(parts[3], &check) || offset < 0) {
    return invalid;
  }
  const std::string body = absl::StrCat(parts[0], ".", parts[1], ".", parts[2]);
  if (check != Fingerprint({body, "nml-page-token"}) ||
      token_fingerprint != fingerprint) {
    return invalid;
  }
  return offset;
}

std::string EncodeCursorToken(uint64_t fingerprint, const Cursor& cursor) {
  const std::string body =
      absl::StrCat("c1.", fingerprint, ".", cursor.seq, ".",
                   absl::WebSafeBase64Escape(cursor.key));
  const uint64_t check = Fingerprint({body, "nml-page-token"});
  return absl::WebSafeBase64Escape(absl::StrCat(body, ".", check));
}

absl::StatusOr<Cursor> DecodeCursorToken(std::string_view token,
                                         uint64_t fingerprint) {
  const auto invalid = absl::InvalidArgumentError(
      "page_token: not a token from this list (it must come from the previous "
      "response, with the same filter and order_by)");
  if (token.size() > 1024) return invalid;
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(std::string(token), &decoded))
    return invalid;
  std::vector<std::string> parts = absl::StrSplit(decoded, '.');
  if (parts.size() != 5 || parts[0] != "c1") return invalid;
  uint64_t token_fingerprint = 0;
  uint64_t check = 0;
  Cursor cursor;
  if (!absl::SimpleAtoi(parts[1], &token_fingerprint) ||
      !absl::SimpleAtoi(parts[2], &cursor.seq) ||
      !absl::SimpleAtoi(parts[4], &check) ||
      !absl::WebSafeBase64Unescape(parts[3], &cursor.key)) {
    return invalid;
  }
  const std::string body =
      absl::StrCat(parts[0], ".", parts[1], ".", parts[2], ".", parts[3]);
  if (check != Fingerprint({body, "nml-page-token"}) ||
      token_fingerprint != fingerprint) {
    return invalid;
  }
  return cursor;
}

absl::StatusOr<int> EffectivePageSize(int requested, int default_size,
                                      int max_size) {
  if (requested < 0) {
    return absl::InvalidArgumentError("page_size: must not be negative");
  }
  if (requested == 0) return default_size;
  return std::min(requested, max_size);
}

}  // namespace nml::common
