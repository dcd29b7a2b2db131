#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <vector>

#include "nml/responses/v1/responses_service.pb.h"

namespace nml::cli {

struct ResponsesImport {
  responses::v1::ImportResponsesRequest request;
  std::vector<int> lines;  // CSV line of each row
};

// One ImportResponses request from the responses.csv format
// (year,stakeholder,stakeholder_type,target_market,stance,paraphrase,date,
// source_url). Free text goes to the server as it is, which maps what is
// clear and reports the rest. `request_id` follows the content.
absl::StatusOr<ResponsesImport> BuildResponsesImport(const std::string& path,
                                                     const std::string& csv);

}  // namespace nml::cli
