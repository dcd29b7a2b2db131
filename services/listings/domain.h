#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <string_view>

namespace nml::listings {

// A screened input reduced to what matching needs.
struct CanonicalHost {
  // Lower case, ASCII (IDN labels as punycode), no trailing dot, no port.
  std::string host;
  // Registrable domain per the Public Suffix List ("amazon.co.uk"); empty for
  // IP addresses and hosts that are themselves public suffixes.
  std::string registrable_domain;
  bool is_ip = false;
};

// Reduces a URL ("https://user@WWW.Example.COM.:443/x?y") or a bare host with
// or without a path ("pan.baidu.com/s/x") to its canonical host: the scheme,
// userinfo, port, path, query and fragment are dropped, percent-encoding in
// the host decoded, case folded, a trailing dot removed and IDN labels
// converted to punycode (IDNA 2008, libidn2). INVALID_ARGUMENT says what is
// wrong with input that has no usable host.
absl::StatusOr<CanonicalHost> CanonicalizeHost(std::string_view input);

// The registrable domain of an already canonical host, or "" (libpsl, with
// the system's Public Suffix List when installed, else libpsl's built-in
// copy).
std::string RegistrableDomain(const std::string& host);

// Checks a domain pattern as stored on a market: a canonical host name.
absl::Status ValidateDomainPattern(std::string_view pattern);

}  // namespace nml::listings
