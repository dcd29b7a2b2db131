#pragma once

#include <string>
#include <string_view>

namespace nml::common {

// Resource ids: 1..63 lower-case letters, digits and hyphens, not starting
// or ending with a hyphen.
bool IsValidId(std::string_view id);

// An id from a display name: "Amazon's foreign domains" ->
// "amazons-foreign-domains"; "" if nothing usable is left.
std::string Slugify(std::string_view display_name);

}  // namespace nml::common
