#include "common/api/export_file.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include <nlohmann/json.hpp>

#include "common/api/strings.h"

namespace nml::common {

namespace {
constexpr size_t kChunkBytes = 64 << 10;
}  // namespace

std::vector<google::api::HttpBody> ExportFileChunks(
    const std::string& header, const std::vector<ExportRow>& rows,
    bool ndjson) {
  std::vector<google::api::HttpBody> chunks;
  std::string text;
  const auto flush = [&](bool last) {
    if (text.size() < kChunkBytes &&
        !(last && (!text.empty() || chunks.empty())))
      return;
    google::api::HttpBody& chunk = chunks.emplace_back();
    chunk.set_content_type(ndjson ? "application/x-ndjson"
                                  : "text/csv; charset=utf-8; header=present");
    chunk.set_data(std::move(text));
    text.clear();
  };
  // The header, even for an empty export: the columns of data/.
  if (!ndjson) absl::StrAppend(&text, header, "\n");
  for (const ExportRow& row : rows) {
    if (ndjson) {
      nlohmann::ordered_json object;
      for (const auto& [column, value] : row) object[column] = value;
      absl::StrAppend(&text, object.dump(), "\n");
    } else {
      std::vector<std::string> fields;
      for (const auto& [column, value] : row) {
        fields.push_back(CsvField(value));
      }
      absl::StrAppend(&text, absl::StrJoin(fields, ","), "\n");
    }
    flush(false);
  }
  flush(true);
  return chunks;
}

}  // namespace nml::common
