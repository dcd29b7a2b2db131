#pragma once

#include <string>

#include "tools/nmlctl/client.h"

namespace nml::cli {

// Writes DIR/markets.csv and DIR/review_counts.csv (ExportData) and
// DIR/responses.csv (ExportResponses), or .ndjson: `review` ("2021", may be
// empty for all) narrows all three. `nmlctl import DIR` and `nmlctl
// import-responses DIR/responses.csv` load them back. Each file is written
// under a temporary name and renamed; the two list files are read at one
// data version.
int Export(ListingsClient& listings, ResponsesClient& responses,
           const std::string& dir, const std::string& review,
           const std::string& format);

}  // namespace nml::cli
