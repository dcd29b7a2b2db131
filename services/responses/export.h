#pragma once

#include <google/api/httpbody.pb.h>

#include <map>
#include <string>
#include <vector>

#include "nml/responses/v1/responses_service.pb.h"

namespace nml::responses {

// ExportResponses' file: `responses` as the rows of data/responses.csv (or
// NDJSON of the same columns), in chunks. `market_names` gives a market
// target's display name (TargetChecker::MarketDisplayNames). Rows are
// ordered by review year, newest first, then stakeholder, date and
// paraphrase, so an export of an import of an export is the same file.
std::vector<google::api::HttpBody> ExportResponsesFile(
    std::vector<v1::Response> responses,
    const std::map<std::string, std::string>& market_names,
    v1::ExportFormat format);

// "responses.csv", "responses-2021.ndjson".
std::string ExportResponsesFileName(const v1::ExportResponsesRequest& request);

}  // namespace nml::responses
