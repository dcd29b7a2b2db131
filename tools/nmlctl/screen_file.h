#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <vector>

#include "tools/nmlctl/client.h"

namespace nml::cli {

// The inputs of a bulk screening file: one URL or host per line (blank
// lines and lines starting with '#' skipped), or, when the first line is a
// CSV header with a `url` or `input` column, that column of every record.
absl::StatusOr<std::vector<std::string>> ReadScreenInputs(
    const std::string& path, const std::string& text);

struct ScreenFileOptions {
  std::string path;
  std::string format = "csv";  // csv | ndjson
  std::string output;          // empty: stdout
  listings::v1::ScreenOptions screen;
  int64_t data_version = 0;  // pinned to this version; 0: the current data
};

// Screens every input of a file in batches of ScreenDomains' maximum,
// one after another, with progress on stderr, and writes one result per
// input (CSV with a header, or NDJSON of ScreenResult) in input order.
int ScreenFile(ListingsClient& client, const ScreenFileOptions& options);

}  // namespace nml::cli
