#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/nmlctl/client.h"

namespace nml::cli {

// The listings commands: status, import, listings, history, diff, stats,
// screen, search. Each returns the exit status.
int Status(ListingsClient& client);
// Checks both files whole (every problem reported, with file, line, column
// and value) and writes only when there is none; `validate_only` stops
// after the report.
int Import(ListingsClient& client, const std::string& markets_path,
           const std::string& counts_path, bool validate_only);
// Merge suggestions with their evidence; `market` narrows them.
int Suggestions(ListingsClient& client, const std::string& market);
// Merges the markets of the suggestion with this id.
int AcceptSuggestion(ListingsClient& client, const std::string& id);
int ListListings(ListingsClient& client, int year, const std::string& filter);
int History(ListingsClient& client, const std::string& market);
int Diff(ListingsClient& client, int base, int target);
int Stats(ListingsClient& client, int year);
// Screening options from the command line; `as_of` ("2022-02-01", may be
// empty) picks the review in force that day.
absl::StatusOr<listings::v1::ScreenOptions> MakeScreenOptions(
    int year, const std::string& as_of, bool rollup, bool definitive_only);
// `data_version`: the data as it was then, to reproduce an answer (0: now).
int Screen(ListingsClient& client, const std::vector<std::string>& inputs,
           const listings::v1::ScreenOptions& options, int64_t data_version);
int Search(ListingsClient& client, const std::string& query);

}  // namespace nml::cli
