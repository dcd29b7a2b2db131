#include "tools/nmlctl/import.h"

#include <absl/strings/ascii.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_split.h>

#include <charconv>
#include <map>
#include <optional>

#include "common/api/page_token.h"
#include "tools/nmlctl/csv.h"

namespace nml::cli {

namespace v1 = listings::v1;

namespace {

// "listings[3].domains[0]" -> row 3, rest "domains[0]": where the service
// says a problem is, in the request's field path (AIP-193 field violations).
struct ListingPath {
  size_t row = 0;
  std::string rest;
};
std::optional<ListingPath> ParseListingPath(std::string_view path) {
  constexpr std::string_view kPrefix = "listings[";
  if (!path.starts_with(kPrefix)) return std::nullopt;
  path.remove_prefix(kPrefix.size());
  const size_t close = path.find(']');
  ListingPath parsed;
  const char* end = path.data() + close;
  if (close == std::string_view::npos || close == 0 ||
      std::from_chars(path.data(), end, parsed.row).ptr != end) {
    return std::nullopt;
  }
  path.remove_prefix(close + 1);
  if (path.starts_with('.')) path.remove_prefix(1);
  parsed.rest = std::string(path);
  return parsed;
}

// The problems of one file's rows, as they are found.
class Problems {
 public:
  Problems(std::vector<ImportProblem>& out, std::string path)
      : out_(out), path_(std::move(path)) {}

  void Add(int line, const std::string& column, const std::string& value,
           const std::string& why) {
    out_.push_back({path_, line, column, value, why});
  }

  // The number in `column`, 0 when empty and not required; nullopt (with
  // the problem recorded) when it is not a number.
  std::optional<int> Int(const CsvRecord& row, const std::string& column,
                         bool required) {
    const auto it = row.fields.find(column);
    const std::string text = it == row.fields.end() ? "" : it->second;
    const std::string trimmed(absl::StripAsciiWhitespace(text));
    if (trimmed.empty()) {
      if (!required) return 0;
      Add(row.line, column, text, "is required");
      return std::nullopt;
    }
    int value = 0;
    if (!absl::SimpleAtoi(trimmed, &value)) {
      Add(row.line, column, text, "is not a number");
      return std::nullopt;
    }
    return value;
  }

 private:
  std::vector<ImportProblem>& out_;
  std::string path_;
};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  for (absl::string_view part : absl::StrSplit(text, absl::ByAnyChar(";/"))) {
    const std::string item(absl::StripAsciiWhitespace(part));
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

}  // namespace

std::string FormatProblem(const ImportProblem& p) {
  std::string text = absl::StrCat(p.path, ":", p.line, ": ");
  if (!p.column.empty()) {
    absl::StrAppend(&text, p.column, " '", p.value, "': ");
  }
  absl::StrAppend(&text, p.why);
  return text;
}

absl::StatusOr<ReviewImports> BuildReviewImports(
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

  ReviewImports result;
  Problems count_problems(result.problems, counts_path);
  Problems market_problems(result.problems, markets_path);
  std::map<int, ReviewImport> by_year;
  for (const CsvRecord& row : *counts) {
    auto f = row.fields;
    const auto year = count_problems.Int(row, "year", true);
    const auto online = count_problems.Int(row, "online_count", false);
    const auto physical = count_problems.Int(row, "physical_count", false);
    if (!year || !online || !physical) continue;
    const std::string date(absl::StripAsciiWhitespace(f["published_date"]));
    int y = 0, m = 0, d = 0;
    if (!date.empty() &&
        std::sscanf(date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) {
      count_problems.Add(row.line, "published_date", date, "is not YYYY-MM-DD");
      continue;
    }
    v1::Review* review = by_year[*year].request.mutable_review();
    review->set_year(*year);
    review->set_title(absl::StrCat(
        *year, " Review of Notorious Markets for Counterfeiting and Piracy"));
    review->set_declared_online_count(*online);
    review->set_declared_physical_count(*physical);
    review->set_source_url(f["source_url"]);
    // An operator's declaration that a kind's list is complete: its source.
    review->set_online_complete_source_url(std::string(
        absl::StripAsciiWhitespace(f["online_complete_source_url"])));
    review->set_physical_complete_source_url(std::string(
        absl::StripAsciiWhitespace(f["physical_complete_source_url"])));
    by_year[*year].counts_line = row.line;
    by_year[*year].counts_fields = f;
    if (!date.empty()) {
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
    const size_t problems_before = result.problems.size();
    const auto year = market_problems.Int(row, "year", true);
    v1::ImportedListing parsed;
    v1::ImportedListing* listing = &parsed;
    listing->set_market_display_name(f["name"]);
    const std::string kind =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(f["kind"]));
    if (kind == "online") {
      listing->set_kind(v1::MARKET_KIND_ONLINE);
    } else if (kind == "physical") {
      listing->set_kind(v1::MARKET_KIND_PHYSICAL);
    } else {
      market_problems.Add(row.line, "kind", f["kind"],
                          "is not online or physical");
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
        market_problems.Add(
            row.line, "infringement", f["infringement"],
            absl::StrCat("'", type, "' is not counterfeiting or piracy"));
      }
    }
    const auto first = market_problems.Int(row, "first_listed_year", false);
    listing->set_reported_first_year(first.value_or(0));
    const std::string confidence =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(f["confidence"]));
    if (confidence == "high") {
      listing->set_confidence(v1::CONFIDENCE_HIGH);
    } else if (confidence == "medium") {
      listing->set_confidence(v1::CONFIDENCE_MEDIUM);
    } else if (confidence == "low") {
      listing->set_confidence(v1::CONFIDENCE_LOW);
    } else if (!confidence.empty()) {
      market_problems.Add(row.line, "confidence", f["confidence"],
                          "is not high, medium or low");
    }
    for (const std::string& domain : SplitList(f["domains"])) {
      v1::DomainRule* rule = listing->add_domains();
      rule->set_pattern(absl::AsciiStrToLower(domain));
      rule->set_scope(v1::MATCH_SCOPE_HOST_AND_SUBDOMAINS);
    }
    listing->set_source_url(f["source_url"]);
    // A row with a problem is reported, not sent: the server checks the
    // rest, so one run reports every problem.
    if (result.problems.size() != problems_before) continue;
    ReviewImport& import = by_year[*year];
    import.request.mutable_review()->set_year(*year);
    *import.request.add_listings() = std::move(parsed);
    import.lines.push_back(row.line);
    import.fields.push_back(std::move(f));
  }

  for (auto& [year, import] : by_year) {
    std::string bytes;
    import.request.SerializeToString(&bytes);
    import.request.set_request_id(absl::StrFormat(
        "nmlctl-import-%d-%016x", year, common::Fingerprint({bytes})));
    result.imports.push_back(std::move(import));
  }
  return result;
}

ImportProblem LocateProblem(const v1::ImportProblem& problem,
                            const ReviewImport& import,
                            const std::string& markets_path,
                            const std::string& counts_path) {
  // The review_counts.csv column of each Review field.
  static const std::map<std::string, std::string> kCountColumns = {
      {"review.declared_online_count", "online_count"},
      {"review.declared_physical_count", "physical_count"},
      {"review.published_on", "published_date"},
      {"review.source_url", "source_url"},
      {"review.online_complete_source_url", "online_complete_source_url"},
      {"review.physical_complete_source_url", "physical_complete_source_url"}};
  if (problem.row() < 0 && import.counts_line > 0) {
    ImportProblem located{counts_path, import.counts_line, "", "",
                          problem.description()};
    const auto column = kCountColumns.find(problem.field());
    if (column != kCountColumns.end()) {
      located.column = column->second;
      const auto value = import.counts_fields.find(column->second);
      if (value != import.counts_fields.end()) located.value = value->second;
    } else {
      located.why = absl::StrCat(problem.field(), ": ", problem.description());
    }
    return located;
  }
  // The CSV column of each ImportedListing field.
  static const std::map<std::string, std::string> kColumns = {
      {"market_display_name", "name"},
      {"market", "name"},
      {"aliases", "name"},
      {"kind", "kind"},
      {"country", "country"},
      {"city", "city"},
      {"operator_display_name", "operator"},
      {"infringement_types", "infringement"},
      {"reported_first_year", "first_listed_year"},
      {"domains", "domains"},
      {"source_url", "source_url"},
      {"confidence", "confidence"}};
  ImportProblem located{markets_path, 0, "", "", problem.description()};
  if (problem.row() < 0 ||
      problem.row() >= static_cast<int>(import.lines.size())) {
    located.path = absl::StrCat("reviews/", import.request.review().year());
    located.why = absl::StrCat(problem.field(), ": ", problem.description());
    return located;
  }
  const auto row = static_cast<size_t>(problem.row());
  located.line = import.lines[row];
  // "listings[3].domains[0].pattern" -> "domains".
  std::string field;
  if (const auto path = ParseListingPath(problem.field())) {
    field = std::string(path->rest.substr(
        0, path->rest.find_first_not_of("abcdefghijklmnopqrstuvwxyz_")));
  }
  const auto column = kColumns.find(field);
  if (column != kColumns.end()) {
    located.column = column->second;
    if (row < import.fields.size()) {
      const auto& fields = import.fields[row];
      const auto value = fields.find(column->second);
      if (value != fields.end()) located.value = value->second;
    }
  } else if (!field.empty()) {
    located.why = absl::StrCat(field, ": ", problem.description());
  }
  return located;
}

std::string LocateImportError(const std::string& message,
                              const ReviewImport& import,
                              const std::string& markets_path) {
  const auto path = ParseListingPath(message);
  if (path && path->row < import.lines.size()) {
    return absl::StrCat(markets_path, ":", import.lines[path->row], ": ",
                        path->rest);
  }
  return absl::StrCat("reviews/", import.request.review().year(), ": ",
                      message);
}

}  // namespace nml::cli
