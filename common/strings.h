#pragma once

#include <absl/strings/string_view.h>

#include <string_view>

namespace nml::common {

// Debian's Abseil is built with its own string_view type, not an alias of
// std::string_view: these convert at the boundary.
inline absl::string_view Absl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view Std(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace nml::common
