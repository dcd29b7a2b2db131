// Fuzzes nmlctl's readers of data/'s formats: RFC 4180 CSV and the import
// builders over it (markets.csv with review_counts.csv, responses.csv), and
// the mapping of a server error back to a line.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "tools/nmlctl/csv.h"
#include "tools/nmlctl/import.h"
#include "tools/nmlctl/responses_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nml::cli;
  FuzzedDataProvider in(data, size);
  const int which = in.ConsumeIntegralInRange(0, 2);
  const std::string counts = in.ConsumeRandomLengthString(512);
  const std::string text = in.ConsumeRemainingBytesAsString();
  switch (which) {
    case 0:
      ParseCsv(text, {"year", "name"}).IgnoreError();
      break;
    case 1: {
      auto built =
          BuildReviewImports("markets.csv", text, "review_counts.csv", counts);
      if (built.ok()) {
        nml::listings::v1::ImportProblem problem;
        problem.set_field(counts);
        for (const auto& import : built->imports) {
          LocateImportError(counts, import, "markets.csv");
          problem.set_row(import.request.listings_size() - 1);
          LocateProblem(problem, import, "markets.csv", "review_counts.csv");
        }
      }
      break;
    }
    default:
      BuildResponsesImport("responses.csv", text).IgnoreError();
  }
  return 0;
}
