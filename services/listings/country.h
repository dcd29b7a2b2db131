#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nml::listings {

// ISO 3166-1 alpha-2 code for an alpha-2 or alpha-3 code or an English
// country name ("China", "People's Republic of China", "Vietnam",
// "Russia"), from Debian's iso-codes data; nullopt when unknown.
std::optional<std::string> CountryCode(std::string_view text);

}  // namespace nml::listings
