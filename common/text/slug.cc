#include "common/text/slug.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>

#include "common/text/text_fold.h"

namespace nml::common {

std::string Slugify(std::string_view display_name) {
  std::string slug;
  bool dash = false;
  // Transliterated, not truncated: "Galeria Pagé" is "galeria-page".
  for (const char c : TransliterateToAscii(display_name)) {
    if (c == '\'') continue;  // "Amazon's" -> "amazons"
    if (absl::ascii_isalnum(c)) {
      if (dash && !slug.empty()) slug.push_back('-');
      slug.push_back(absl::ascii_tolower(c));
      dash = false;
    } else {
      dash = true;
    }
    if (slug.size() >= 63) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::string UniqueId(const std::string& base,
                     const std::function<bool(const std::string&)>& taken) {
  if (!taken(base)) return base;
  for (int n = 2;; ++n) {
    const std::string suffix = absl::StrCat("-", n);
    const std::string id = base.substr(0, 63 - suffix.size()) + suffix;
    if (!taken(id)) return id;
  }
}

std::string UniqueId(const std::string& base,
                     const std::set<std::string>& taken) {
  return UniqueId(
      base, [&taken](const std::string& id) { return taken.contains(id); });
}

}  // namespace nml::common
