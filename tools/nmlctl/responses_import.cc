#include "tools/nmlctl/responses_import.h"

#include <absl/strings/ascii.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>

#include "common/api/page_token.h"
#include "tools/nmlctl/csv.h"

namespace nml::cli {

absl::StatusOr<ResponsesImport> BuildResponsesImport(const std::string& path,
                                                     const std::string& csv) {
  auto records =
      ParseCsv(csv, {"year", "stakeholder", "stakeholder_type", "target_market",
                     "stance", "paraphrase", "date", "source_url"});
  if (!records.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", records.status().message()));
  }
  ResponsesImport import;
  for (const CsvRecord& record : *records) {
    auto f = record.fields;
    auto* row = import.request.add_rows();
    import.lines.push_back(record.line);
    int year = 0;
    if (!absl::SimpleAtoi(f["year"], &year)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", record.line, ": year: '", f["year"], "' is not a number"));
    }
    row->set_review_year(year);
    row->set_stakeholder_display_name(f["stakeholder"]);
    row->set_stakeholder_type(f["stakeholder_type"]);
    row->set_target_text(f["target_market"]);
    row->set_stance_text(f["stance"]);
    row->set_summary(f["paraphrase"]);
    row->set_source_url(f["source_url"]);
    const std::string date(absl::StripAsciiWhitespace(f["date"]));
    if (!date.empty()) {
      int y = 0, m = 0, d = 0;
      const int n = std::sscanf(date.c_str(), "%4d-%2d-%2d", &y, &m, &d);
      if (n < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", record.line, ": date: '", date,
                         "' is not YYYY[-MM[-DD]]"));
      }
      row->mutable_stated_on()->set_year(y);
      row->mutable_stated_on()->set_month(n >= 2 ? m : 0);
      row->mutable_stated_on()->set_day(n >= 3 ? d : 0);
    }
  }
  std::string bytes;
  import.request.SerializeToString(&bytes);
  import.request.set_request_id(
      absl::StrFormat("nmlctl-responses-%016x", common::Fingerprint({bytes})));
  return import;
}

}  // namespace nml::cli
