#include "common/names.h"

#include <absl/strings/ascii.h>

namespace nml::common {

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (const char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) {
      return false;
    }
  }
  return id.front() != '-' && id.back() != '-';
}

std::string Slugify(std::string_view display_name) {
  std::string slug;
  bool dash = false;
  for (const char c : display_name) {
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

}  // namespace nml::common
