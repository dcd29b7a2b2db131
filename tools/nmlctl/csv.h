#pragma once

#include <absl/status/statusor.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace nml::cli {

// One CSV record with the line it starts on (1-based, the header is line 1).
struct CsvRecord {
  int line = 0;
  std::map<std::string, std::string> fields;  // by header name
};

// Parses RFC 4180 CSV (quoted fields with "" escapes and embedded newlines)
// whose first record is the header. Every record must have as many fields
// as the header, and `required_columns` must be in the header;
// INVALID_ARGUMENT names the line otherwise.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(
    std::string_view text, const std::vector<std::string>& required_columns);

absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace nml::cli
