#include "services/gateway/rest_headers.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>

#include "common/api/percent_encoding.h"

namespace nml::gateway {

bool IsMetadataValue(std::string_view value) {
  for (const char c : value) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

absl::StatusOr<std::optional<std::chrono::nanoseconds>> CallerTimeout(
    const RestRequest& request) {
  const std::string grpc_timeout = request.Header("grpc-timeout");
  if (!grpc_timeout.empty()) {
    const char unit = grpc_timeout.back();
    const std::string digits = grpc_timeout.substr(0, grpc_timeout.size() - 1);
    int64_t amount = 0;
    const bool digits_ok =
        !digits.empty() && digits.size() <= 8 &&
        digits.find_first_not_of("0123456789") == std::string::npos &&
        absl::SimpleAtoi(digits, &amount);
    std::chrono::nanoseconds per;
    switch (unit) {
      case 'H':
        per = std::chrono::hours(1);
        break;
      case 'M':
        per = std::chrono::minutes(1);
        break;
      case 'S':
        per = std::chrono::seconds(1);
        break;
      case 'm':
        per = std::chrono::milliseconds(1);
        break;
      case 'u':
        per = std::chrono::microseconds(1);
        break;
      case 'n':
        per = std::chrono::nanoseconds(1);
        break;
      default:
        per = std::chrono::nanoseconds(0);
    }
    if (!digits_ok || per.count() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "header grpc-timeout: '", common::EchoInput(grpc_timeout, 40),
          "' is not 1 to 8 digits and a unit (H, M, S, m, u, n)"));
    }
    // Hours of 8 digits overflow nanoseconds; any bound that large is
    // capped by the configured maximum anyway.
    if (amount > 1000000 && per >= std::chrono::seconds(1)) amount = 1000000;
    return std::optional<std::chrono::nanoseconds>(amount * per);
  }
  const std::string seconds = request.Header("x-server-timeout");
  if (!seconds.empty()) {
    double value = 0;
    if (seconds.find_first_not_of("0123456789.") != std::string::npos ||
        !absl::SimpleAtod(seconds, &value) || !(value > 0) || value > 1e6) {
      return absl::InvalidArgumentError(absl::StrCat(
          "header x-server-timeout: '", common::EchoInput(seconds, 40),
          "' is not a positive number of seconds"));
    }
    return std::optional<std::chrono::nanoseconds>(
        std::chrono::nanoseconds(static_cast<int64_t>(value * 1e9)));
  }
  return std::optional<std::chrono::nanoseconds>();
}

std::string Unquote(std::string tag) {
  tag = std::string(absl::StripAsciiWhitespace(tag));
  if (absl::StartsWith(tag, "W/")) tag = tag.substr(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"')
    tag = tag.substr(1, tag.size() - 2);
  return tag;
}

}  // namespace nml::gateway
