#include "common/api/page_token.h"

#include <absl/strings/escaping.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>
#include <absl/synchronization/mutex.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "common/api/strings.h"

namespace nml::common {
namespace {

// p3: with the data version (p2 tokens, without it, are refused).
constexpr std::string_view kVersion = "p3";
// Bytes of HMAC-SHA256 kept in a token: 128 bits, beyond guessing.
constexpr size_t kMacBytes = 16;

struct TokenKey {
  absl::Mutex mu;
  std::string key ABSL_GUARDED_BY(mu);
};

TokenKey& Key() {
  static TokenKey* const key = [] {
    auto* k = new TokenKey;
    // Until SetPageTokenKey: a random key, so a token is never checked
    // against a key anyone could know.
    unsigned char random[32];
    if (RAND_bytes(random, sizeof random) != 1) std::abort();
    absl::MutexLock lock(&k->mu);
    k->key.assign(reinterpret_cast<const char*>(random), sizeof random);
    return k;
  }();
  return *key;
}

// The token's signature over `body`: HMAC-SHA256 with the page token key,
// cut to kMacBytes, hex.
std::string Mac(std::string_view body) {
  std::string key;
  {
    TokenKey& k = Key();
    absl::MutexLock lock(&k.mu);
    key = k.key;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac,
       &length);
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(mac), std::min<size_t>(length, kMacBytes)));
}

// Compares a token's MAC with the expected one in constant time.
bool MacMatches(std::string_view body, std::string_view given) {
  const std::string expected = Mac(body);
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

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

std::string EncodePageToken(uint64_t fingerprint, int64_t offset,
                            int64_t data_version) {
  const std::string body = absl::StrCat(Absl(kVersion), ".", fingerprint, ".",
                                        offset, ".", data_version);
  return absl::WebSafeBase64Escape(absl::StrCat(body, ".", Mac(body)));
}

namespace {

// The parts of an offset token whose signature holds:
// version, fingerprint, offset, data version; nullopt otherwise.
std::optional<std::vector<std::string>> SignedOffsetParts(
    std::string_view token) {
  if (token.size() > 512) return std::nullopt;
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(std::string(token), &decoded)) {
    return std::nullopt;
  }
  std::vector<std::string> parts = absl::StrSplit(decoded, '.');
  if (parts.size() != 5 || parts[0] != kVersion) return std::nullopt;
  const std::string body =
      absl::StrCat(parts[0], ".", parts[1], ".", parts[2], ".", parts[3]);
  if (!MacMatches(body, parts[4])) return std::nullopt;
  return parts;
}

}  // namespace

absl::StatusOr<OffsetToken> DecodePageToken(std::string_view token,
                                            uint64_t fingerprint) {
  const auto invalid = absl::InvalidArgumentError(
      "page_token: not a token from this list (it must come from the previous "
      "response, with the same filter and order_by)");
  const auto parts = SignedOffsetParts(token);
  if (!parts.has_value()) return invalid;
  uint64_t token_fingerprint = 0;
  OffsetToken decoded;
  if (!absl::SimpleAtoi((*parts)[1], &token_fingerprint) ||
      !absl::SimpleAtoi((*parts)[2], &decoded.offset) || decoded.offset < 0 ||
      !absl::SimpleAtoi((*parts)[3], &decoded.data_version) ||
      decoded.data_version < 0 || token_fingerprint != fingerprint) {
    return invalid;
  }
  return decoded;
}

int64_t PageTokenDataVersion(std::string_view token) {
  if (token.empty()) return 0;
  const auto parts = SignedOffsetParts(token);
  int64_t version = 0;
  if (!parts.has_value() || !absl::SimpleAtoi((*parts)[3], &version) ||
      version < 0) {
    return 0;
  }
  return version;
}

std::string EncodeCursorToken(uint64_t fingerprint, const Cursor& cursor) {
  const std::string body =
      absl::StrCat("c2.", fingerprint, ".", cursor.seq, ".",
                   absl::WebSafeBase64Escape(cursor.key));
  return absl::WebSafeBase64Escape(absl::StrCat(body, ".", Mac(body)));
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
  if (parts.size() != 5 || parts[0] != "c2") return invalid;
  const std::string body =
      absl::StrCat(parts[0], ".", parts[1], ".", parts[2], ".", parts[3]);
  if (!MacMatches(body, parts[4])) return invalid;
  uint64_t token_fingerprint = 0;
  Cursor cursor;
  if (!absl::SimpleAtoi(parts[1], &token_fingerprint) ||
      !absl::SimpleAtoi(parts[2], &cursor.seq) ||
      !absl::WebSafeBase64Unescape(parts[3], &cursor.key) ||
      token_fingerprint != fingerprint) {
    return invalid;
  }
  return cursor;
}

void SetPageTokenKey(std::string_view secret) {
  // Any secret length: the key is its SHA-256.
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
         digest);
  TokenKey& k = Key();
  absl::MutexLock lock(&k.mu);
  k.key.assign(reinterpret_cast<const char*>(digest), sizeof digest);
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
