#pragma once

#include <absl/strings/string_view.h>

#include <string>
#include <string_view>
#include <vector>

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

// Ascending years as runs of consecutive ones: {2013, ..., 2020, 2023} ->
// "2013-2020, 2023".
inline std::string YearRuns(const std::vector<int>& years) {
  std::string text;
  for (size_t i = 0; i < years.size();) {
    size_t j = i;
    while (j + 1 < years.size() && years[j + 1] == years[j] + 1) ++j;
    if (!text.empty()) text += ", ";
    text += std::to_string(years[i]);
    if (j != i) text += "-" + std::to_string(years[j]);
    i = j + 1;
  }
  return text;
}

}  // namespace nml::common
