#include "services/listings/domain.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <arpa/inet.h>
#include <idn2.h>
#include <libpsl.h>

#include <cstdlib>
#include <memory>

#include "common/api/percent_encoding.h"
#include "common/api/strings.h"

namespace nml::listings {

using common::Absl;
using common::Std;

namespace {

const psl_ctx_t* PublicSuffixList() {
  // psl_latest() prefers the newer of the system list (Debian's publicsuffix
  // package) and the built-in one.
  static const psl_ctx_t* const kList = [] {
    const psl_ctx_t* list = psl_latest(nullptr);
    return list != nullptr ? list : psl_builtin();
  }();
  return kList;
}

bool IsIpv4(const std::string& host) {
  in_addr addr;
  return inet_pton(AF_INET, host.c_str(), &addr) == 1;
}

// Checks label syntax (LDH, 1..63 per label, 253 in all) of an ASCII host.
absl::Status CheckHostSyntax(std::string_view host) {
  if (host.empty()) return absl::InvalidArgumentError("empty host");
  if (host.size() > 253) {
    return absl::InvalidArgumentError("host longer than 253 characters");
  }
  size_t label_start = 0;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      const size_t length = i - label_start;
      if (length == 0) return absl::InvalidArgumentError("empty label in host");
      if (length > 63) {
        return absl::InvalidArgumentError("label longer than 63 characters");
      }
      if (host[label_start] == '-' || host[i - 1] == '-') {
        return absl::InvalidArgumentError("label starts or ends with a hyphen");
      }
      label_start = i + 1;
      continue;
    }
    const char c = host[i];
    if (!(absl::ascii_isalnum(c) || c == '-' || c == '_')) {
      return absl::InvalidArgumentError(absl::StrCat(
          "character '", std::string(1, c), "' not allowed in a host"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string RegistrableDomain(const std::string& host) {
  const char* domain = psl_registrable_domain(PublicSuffixList(), host.c_str());
  return domain != nullptr ? std::string(domain) : std::string();
}

absl::StatusOr<CanonicalHost> CanonicalizeHost(std::string_view input) {
  std::string_view rest = Std(absl::StripAsciiWhitespace(Absl(input)));
  if (rest.empty()) return absl::InvalidArgumentError("empty input");
  if (rest.size() > 2048) {
    return absl::InvalidArgumentError("input longer than 2048 bytes");
  }
  for (const char c : rest) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ') {
      return absl::InvalidArgumentError("control character or space in input");
    }
  }
  // Scheme: letters, digits, + - . before "://". "//host" is scheme-relative.
  if (const size_t sep = rest.find("://"); sep != std::string_view::npos) {
    const std::string_view scheme = rest.substr(0, sep);
    const bool valid_scheme =
        !scheme.empty() && absl::ascii_isalpha(scheme[0]) &&
        scheme.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-"
            ".") == std::string_view::npos;
    if (!valid_scheme) return absl::InvalidArgumentError("malformed scheme");
    rest.remove_prefix(sep + 3);
  } else if (absl::StartsWith(Absl(rest), "//")) {
    rest.remove_prefix(2);
  }
  // Authority ends at the path, query or fragment.
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#\\"));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host_part = authority;
  if (absl::StartsWith(Absl(authority), "[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError("unterminated IPv6 literal");
    }
    const std::string literal(authority.substr(1, close - 1));
    in6_addr addr;
    if (inet_pton(AF_INET6, literal.c_str(), &addr) != 1) {
      return absl::InvalidArgumentError("malformed IPv6 literal");
    }
    char buffer[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &addr, buffer, sizeof(buffer));
    return CanonicalHost{buffer, "", true};
  }
  if (const size_t colon = host_part.rfind(':');
      colon != std::string_view::npos) {
    const std::string_view port = host_part.substr(colon + 1);
    if (port.find_first_not_of("0123456789") != std::string_view::npos ||
        port.size() > 5) {
      return absl::InvalidArgumentError("malformed port");
    }
    host_part = host_part.substr(0, colon);
  }
  auto decoded = common::PercentDecode(host_part);
  if (!decoded) {
    return absl::InvalidArgumentError("bad percent-encoding in host");
  }
  std::string host = std::move(*decoded);
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return absl::InvalidArgumentError("no host in input");

  bool ascii = true;
  for (const char c : host) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    host = absl::AsciiStrToLower(host);
  } else {
    char* converted = nullptr;
    const int rc = idn2_to_ascii_8z(host.c_str(), &converted,
                                    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
      return absl::InvalidArgumentError(absl::StrCat(
          "not a valid internationalised host: ", idn2_strerror(rc)));
    }
    host = absl::AsciiStrToLower(converted);
    idn2_free(converted);
  }
  if (IsIpv4(host)) return CanonicalHost{host, "", true};
  if (auto status = CheckHostSyntax(host); !status.ok()) return status;
  CanonicalHost result;
  result.registrable_domain = RegistrableDomain(host);
  result.host = std::move(host);
  return result;
}

absl::Status ValidateDomainPattern(std::string_view pattern) {
  auto canonical = CanonicalizeHost(pattern);
  if (!canonical.ok()) return canonical.status();
  if (canonical->host != pattern) {
    return absl::InvalidArgumentError(absl::StrCat("'", std::string(pattern),
                                                   "' is not canonical; use '",
                                                   canonical->host, "'"));
  }
  return absl::OkStatus();
}

}  // namespace nml::listings
