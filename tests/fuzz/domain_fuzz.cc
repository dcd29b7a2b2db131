// Fuzzes the screening input canonicalisation: URLs and hosts as users paste
// them, percent-encoded and internationalised.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/listings/domain.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nml::listings;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto host = CanonicalizeHost(text); host.ok() && !host->is_ip) {
    // A canonical host name is stable and a valid stored pattern (an IPv6
    // address is canonical without its brackets, so it is not input again).
    auto again = CanonicalizeHost(host->host);
    if (!again.ok() || again->host != host->host) __builtin_trap();
    if (!ValidateDomainPattern(host->host).ok()) {
      __builtin_trap();
    }
    RegistrableDomain(host->host);
  }
  ValidateDomainPattern(text).IgnoreError();
  return 0;
}
