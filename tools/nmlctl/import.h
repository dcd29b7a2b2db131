#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <vector>

#include "nml/listings/v1/listings_service.pb.h"

namespace nml::cli {

// One review's import, with the CSV line of each listing row so errors from
// the server can be pointed back at the file.
struct ReviewImport {
  listings::v1::ImportReviewRequest request;
  std::vector<int> lines;
};

// Builds one ImportReview request per review year from the markets.csv and
// review_counts.csv formats (data/README.md), oldest year first. Every year
// of either file becomes a review; `request_id` is derived from the content,
// so loading the same files again changes nothing. INVALID_ARGUMENT names
// "file:line: column: problem".
absl::StatusOr<std::vector<ReviewImport>> BuildReviewImports(
    const std::string& markets_path, const std::string& markets_csv,
    const std::string& counts_path, const std::string& counts_csv);

// Rewrites a server error about "listings[N].field" as "file:line: field".
std::string LocateImportError(const std::string& message,
                              const ReviewImport& import,
                              const std::string& markets_path);

}  // namespace nml::cli
