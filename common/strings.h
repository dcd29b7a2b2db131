#pragma once

#include <absl/strings/string_view.h>

#include <string>
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

// One CSV field, quoted when it must be (RFC 4180): the files nml writes
// read back with any CSV reader, nmlctl's included.
inline std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(value);
  }
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace nml::common
