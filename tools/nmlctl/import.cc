#include "tools/nmlctl/import.h"

#include <absl/strings/ascii.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_split.h>
#include <re2/re2.h>

#include <map>

#include "common/page_token.h"
#include "tools/nmlctl/csv.h"

namespace nml::cli {

namespace v1 = listings::v1;

namespace {

absl::Status LineError(const std::string& path, int line,
                       const std::string& column, const std::string& message) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ":", line, ": ", column, ": ", message));
}

absl::StatusOr<int> ParseInt(const std::string& text, const std::string& path,
                             int line, const std::string& column,
                             bool required) {
  const std::string trimmed(absl::StripAsciiWhitespace(text));
  if (trimmed.empty()) {
    if (required) return LineError(path, line, column, "is required");
    return 0;
  }
  int value = 0;
  if (!absl::SimpleAtoi(trimmed, &value)) {
    return LineError(path, line, column,
                     absl::StrCat("'", trimmed, "' is not a number"));
  }
  return value;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  for (absl::string_view part : absl::StrSplit(text, absl::ByAnyChar(";/"))) {
    const std::string item(absl::StripAsciiWhitespace(part));
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

}  // namespace

absl::StatusOr<std::vector<ReviewImport>> BuildReviewImports(
    const std::string& markets_path, const std::string& markets_csv,
    const std::string& counts_path, const std::string& counts_csv) {
  auto markets = ParseCsv(markets_csv, {"year", "name", "kind", "source_url"});
  if (!markets.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(markets_path, ": ", markets.status().message()));
  }
  auto counts =
      ParseCsv(counts_csv, {"year", "online_count", "physical_count"});
  if (!counts.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(counts_path, ": ", counts.status().message()));
  }

  std::map<int, ReviewImport> by_year;
  for (const CsvRecord& row : *counts) {
    auto f = row.fields;
    auto year = ParseInt(f["year"], counts_path, row.line, "year", true);
    if (!year.ok()) return year.status();
    auto online = ParseInt(f["online_count"], counts_path, row.line,
                           "online_count", false);
    if (!online.ok()) return online.status();
    auto physical = ParseInt(f["physical_count"], counts_path, row.line,
                             "physical_count", false);
    if (!physical.ok()) return physical.status();
    v1::Review* review = by_year[*year].request.mutable_review();
    review->set_year(*year);
    review->set_title(absl::StrCat(
        *year, " Review of Notorious Markets for Counterfeiting and Piracy"));
    review->set_declared_online_count(*online);
    review->set_declared_physical_count(*physical);
    review->set_source_url(f["source_url"]);
    const std::string date(absl::StripAsciiWhitespace(f["published_date"]));
    if (!date.empty()) {
      int y = 0, m = 0, d = 0;
      if (std::sscanf(date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) {
        return LineError(counts_path, row.line, "published_date",
                         absl::StrCat("'", date, "' is not YYYY-MM-DD"));
      }
      review->mutable_published_on()->set_year(y);
      review->mutable_published_on()->set_month(m);
      review->mutable_published_on()->set_day(d);
      // USTR published it: ask for PUBLISHED; the server keeps it a DRAFT
      // while listings are missing, and says which.
      review->set_state(v1::REVIEW_STATE_PUBLISHED);
    }
  }

  for (const CsvRecord& row : *markets) {
    auto f = row.fields;
    auto year = ParseInt(f["year"], markets_path, row.line, "year", true);
    if (!year.ok()) return year.status();
    ReviewImport& import = by_year[*year];
    import.request.mutable_review()->set_year(*year);
    v1::ImportedListing* listing = import.request.add_listings();
    import.lines.push_back(row.line);
    listing->set_market_display_name(f["name"]);
    const std::string kind =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(f["kind"]));
    if (kind == "online") {
      listing->set_kind(v1::MARKET_KIND_ONLINE);
    } else if (kind == "physical") {
      listing->set_kind(v1::MARKET_KIND_PHYSICAL);
    } else {
      return LineError(
          markets_path, row.line, "kind",
          absl::StrCat("'", f["kind"], "' is not online or physical"));
    }
    listing->set_country(f["country"]);
    listing->set_city(f["city"]);
    listing->set_operator_display_name(f["operator"]);
    for (const std::string& type : SplitList(f["infringement"])) {
      const std::string lower = absl::AsciiStrToLower(type);
      if (lower == "counterfeiting") {
        listing->add_infringement_types(v1::INFRINGEMENT_TYPE_COUNTERFEITING);
      } else if (lower == "piracy") {
        listing->add_infringement_types(v1::INFRINGEMENT_TYPE_PIRACY);
      } else {
        return LineError(
            markets_path, row.line, "infringement",
            absl::StrCat("'", type, "' is not counterfeiting or piracy"));
      }
    }
    auto first = ParseInt(f["first_listed_year"], markets_path, row.line,
                          "first_listed_year", false);
    if (!first.ok()) return first.status();
    listing->set_reported_first_year(*first);
    for (const std::string& domain : SplitList(f["domains"])) {
      v1::DomainRule* rule = listing->add_domains();
      rule->set_pattern(absl::AsciiStrToLower(domain));
      rule->set_scope(v1::MATCH_SCOPE_HOST_AND_SUBDOMAINS);
    }
    listing->set_source_url(f["source_url"]);
  }

  std::vector<ReviewImport> imports;
  for (auto& [year, import] : by_year) {
    std::string bytes;
    import.request.SerializeToString(&bytes);
    import.request.set_request_id(absl::StrFormat(
        "nmlctl-import-%d-%016x", year, common::Fingerprint({bytes})));
    imports.push_back(std::move(import));
  }
  return imports;
}

std::string LocateImportError(const std::string& message,
                              const ReviewImport& import,
                              const std::string& markets_path) {
  static const RE2 kRow(R"(^listings\[(\d+)\]\.?(.*)$)");
  int row = -1;
  std::string rest;
  if (RE2::FullMatch(message, kRow, &row, &rest) && row >= 0 &&
      row < static_cast<int>(import.lines.size())) {
    return absl::StrCat(markets_path, ":",
                        import.lines[static_cast<size_t>(row)], ": ", rest);
  }
  return absl::StrCat("reviews/", import.request.review().year(), ": ",
                      message);
}

}  // namespace nml::cli
