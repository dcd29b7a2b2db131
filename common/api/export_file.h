#pragma once

#include <google/api/httpbody.pb.h>

#include <string>
#include <utility>
#include <vector>

namespace nml::common {

// A row of an exported file: (column, value) in column order.
using ExportRow = std::vector<std::pair<std::string, std::string>>;

// The file of an export (ExportData, ExportResponses) as the chunks of a
// server stream of google.api.HttpBody: RFC 4180 CSV with `header` first
// ("text/csv; charset=utf-8; header=present"), or one JSON object a row
// with the columns as keys ("application/x-ndjson"). Chunks are large
// enough to be few messages and far below any message limit; an empty file
// is one chunk (the header alone, for CSV).
std::vector<google::api::HttpBody> ExportFileChunks(
    const std::string& header, const std::vector<ExportRow>& rows, bool ndjson);

}  // namespace nml::common
