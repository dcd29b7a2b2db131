#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>

// Ids made from display names. Apart from common/api/names.h because it
// needs ICU (common/text/text_fold.h), which a client of the API does not.
namespace nml::common {

// An id from a display name: "Amazon's foreign domains" ->
// "amazons-foreign-domains", other scripts and accents transliterated
// ("Galeria Pagé" -> "galeria-page"); "" if nothing usable is left.
std::string Slugify(std::string_view display_name);

// `base`, or the first of base-2, base-3, ... (cut to stay a valid id)
// that `taken` does not hold.
std::string UniqueId(const std::string& base,
                     const std::function<bool(const std::string&)>& taken);
std::string UniqueId(const std::string& base,
                     const std::set<std::string>& taken);

}  // namespace nml::common
