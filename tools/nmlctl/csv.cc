#include "tools/nmlctl/csv.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include <fstream>
#include <sstream>

#include "common/api/validation.h"

namespace nml::cli {

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(
    std::string_view text, const std::vector<std::string>& required_columns) {
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  int line = 1;
  int row_line = 1;
  auto end_field = [&] {
    row.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_row = [&] {
    end_field();
    if (!(row.size() == 1 && row[0].empty())) rows.emplace_back(row_line, row);
    row.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      ++line;
      row_line = line;
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", row_line, ": unterminated quoted field"));
  }
  if (!field.empty() || !row.empty()) end_row();
  if (rows.empty()) return absl::InvalidArgumentError("empty file: no header");

  const std::vector<std::string>& header = rows.front().second;
  for (const std::string& column : required_columns) {
    if (std::find(header.begin(), header.end(), column) == header.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line 1: missing column '", column,
                       "' (header: ", absl::StrJoin(header, ","), ")"));
    }
  }
  std::vector<CsvRecord> records;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& [start, values] = rows[r];
    if (values.size() != header.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", start, ": ", values.size(),
                       " fields, the header has ", header.size()));
    }
    CsvRecord record;
    record.line = start;
    for (size_t c = 0; c < header.size(); ++c) {
      // Checked here, where the line is known: protobuf would send it
      // anyway and the server could only refuse the whole message.
      if (!common::IsValidUtf8(values[c])) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", start, ": ", header[c],
                         ": not valid UTF-8 (save the file as UTF-8)"));
      }
      record.fields[header[c]] = values[c];
    }
    records.push_back(std::move(record));
  }
  return records;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace nml::cli
