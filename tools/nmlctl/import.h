#pragma once

#include <absl/status/statusor.h>

#include <map>
#include <string>
#include <vector>

#include "nml/listings/v1/listings_service.pb.h"

namespace nml::cli {

// One review's import, with the CSV line and fields of each listing row so
// the server's answers can be pointed back at the file.
struct ReviewImport {
  listings::v1::ImportReviewRequest request;
  std::vector<int> lines;
  std::vector<std::map<std::string, std::string>> fields;
  // The review's line and fields in review_counts.csv; 0 when it has none.
  int counts_line = 0;
  std::map<std::string, std::string> counts_fields;
};

// One problem of an input file, as the import report prints it.
struct ImportProblem {
  std::string path;
  int line = 0;
  std::string column;  // empty for the whole row
  std::string value;
  std::string why;
};
// "markets.csv:12: country 'Atlantis': 'Atlantis' is not a known country".
std::string FormatProblem(const ImportProblem& problem);

struct ReviewImports {
  std::vector<ReviewImport> imports;
  // Rows that could not be read; they are left out of `imports`.
  std::vector<ImportProblem> problems;
};

// Builds one ImportReview request per review year from the markets.csv and
// review_counts.csv formats (data/README.md), oldest year first. Every year
// of either file becomes a review; `request_id` is derived from the content,
// so loading the same files again changes nothing. Every row that cannot be
// read is reported in `problems` (all of them, not the first); a file that
// is not CSV with the required columns is INVALID_ARGUMENT.
absl::StatusOr<ReviewImports> BuildReviewImports(
    const std::string& markets_path, const std::string& markets_csv,
    const std::string& counts_path, const std::string& counts_csv);

// A server's problem with row `problem.row()` of `import`, pointed at the
// file's line, column and value.
// A problem of the review itself (row -1, "review.source_url") is pointed
// at review_counts.csv's line.
ImportProblem LocateProblem(const listings::v1::ImportProblem& problem,
                            const ReviewImport& import,
                            const std::string& markets_path,
                            const std::string& counts_path);

// Rewrites a server error about "listings[N].field" as "file:line: field".
std::string LocateImportError(const std::string& message,
                              const ReviewImport& import,
                              const std::string& markets_path);

}  // namespace nml::cli
