// ExportData: the data as the files of data/, so an export imports back.
#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/api/export_file.h"
#include "common/api/status.h"
#include "common/api/strings.h"
#include "common/api/validation.h"
#include "services/listings/reads.h"

namespace nml::listings {

namespace {

// "counterfeiting;piracy", as data/markets.csv writes them.
std::string Infringements(const v1::Listing& l) {
  std::vector<std::string> names;
  for (const int type : l.infringement_types()) {
    if (type == v1::INFRINGEMENT_TYPE_COUNTERFEITING) {
      names.push_back("counterfeiting");
    } else if (type == v1::INFRINGEMENT_TYPE_PIRACY) {
      names.push_back("piracy");
    }
  }
  return absl::StrJoin(names, ";");
}

std::string Confidence(v1::Confidence c) {
  switch (c) {
    case v1::CONFIDENCE_HIGH:
      return "high";
    case v1::CONFIDENCE_MEDIUM:
      return "medium";
    case v1::CONFIDENCE_LOW:
      return "low";
    default:
      return "";
  }
}

// A number the CSV leaves empty when it is 0 (not given).
std::string Number(int value) { return value == 0 ? "" : absl::StrCat(value); }

using Row = common::ExportRow;

Row ListingRow(const Snapshot& s, const v1::Listing& l) {
  const auto key = *ParseListingName(l.name());
  const v1::Market* m = s.FindMarket(key.market_id);
  std::string op;
  if (m != nullptr && !m->operator_().empty()) {
    if (const v1::Operator* o =
            s.FindOperator(*ParseOperatorName(m->operator_()))) {
      op = o->display_name();
    }
  }
  std::vector<std::string> domains;
  if (m != nullptr) {
    for (const auto& d : m->domains()) domains.push_back(d.pattern());
  }
  return {{"year", absl::StrCat(key.year)},
          {"name", m ? m->display_name() : key.market_id},
          {"kind",
           m && m->kind() == v1::MARKET_KIND_PHYSICAL ? "physical" : "online"},
          {"country", m ? m->country_code() : ""},
          {"city", m ? m->city() : ""},
          {"operator", op},
          {"infringement", Infringements(l)},
          {"first_listed_year", Number(l.reported_first_year())},
          {"domains", absl::StrJoin(domains, ";")},
          {"source_url", l.source_url()},
          {"confidence", Confidence(l.confidence())}};
}

// "complete", "incomplete" or "unknown".
std::string CompletenessWord(const v1::KindCompleteness& c) {
  switch (c.state()) {
    case v1::COMPLETENESS_COMPLETE:
      return "complete";
    case v1::COMPLETENESS_INCOMPLETE:
      return "incomplete";
    default:
      return "unknown";
  }
}

// The declared counts and an operator's declarations are what the import
// reads back; the loaded counts and completeness are computed, for readers.
Row ReviewRow(const v1::Review& r) {
  return {
      {"year", absl::StrCat(r.year())},
      {"online_count", Number(r.declared_online_count())},
      {"physical_count", Number(r.declared_physical_count())},
      {"published_date", common::DateText(r.published_on())},
      {"source_url", r.source_url()},
      {"online_complete_source_url", r.online_complete_source_url()},
      {"physical_complete_source_url", r.physical_complete_source_url()},
      {"online_loaded", absl::StrCat(r.online_count())},
      {"physical_loaded", absl::StrCat(r.physical_count())},
      {"online_completeness", CompletenessWord(r.online_completeness())},
      {"physical_completeness", CompletenessWord(r.physical_completeness())}};
}

}  // namespace

std::string ExportFileName(const v1::ExportDataRequest& request) {
  const auto year = ParseReviewName(request.review());
  return absl::StrCat(
      request.table() == v1::EXPORT_TABLE_REVIEWS ? "review_counts" : "markets",
      year ? absl::StrCat("-", *year) : "",
      request.format() == v1::EXPORT_FORMAT_NDJSON ? ".ndjson" : ".csv");
}

absl::StatusOr<std::vector<google::api::HttpBody>> ExportData(
    const Snapshot& s, const v1::ExportDataRequest& request) {
  int only_year = 0;
  if (!request.review().empty()) {
    const auto year = ParseReviewName(request.review());
    if (!year) return common::FieldError("review", "must be reviews/{year}");
    if (s.FindReview(*year) == nullptr) {
      return common::ResourceNotFound(
          request.review(), absl::StrCat(request.review(), " not found"));
    }
    only_year = *year;
  }
  std::vector<Row> rows;
  switch (request.table()) {
    case v1::EXPORT_TABLE_LISTINGS:
      // Newest review first, as data/markets.csv is; by market name
      // within (not id: ids are minted from the first spelling imported,
      // so another database may have others for the same names).
      for (auto r = s.reviews().rbegin(); r != s.reviews().rend(); ++r) {
        if (only_year != 0 && r->year() != only_year) continue;
        std::vector<Row> year_rows;
        for (const v1::Listing* l : s.ListingsOf(r->year())) {
          year_rows.push_back(ListingRow(s, *l));
        }
        std::sort(
            year_rows.begin(), year_rows.end(), [](const Row& a, const Row& b) {
              return std::pair(absl::AsciiStrToLower(a[1].second),
                               a[1].second) <
                     std::pair(absl::AsciiStrToLower(b[1].second), b[1].second);
            });
        rows.insert(rows.end(), year_rows.begin(), year_rows.end());
      }
      break;
    case v1::EXPORT_TABLE_REVIEWS:
      for (auto r = s.reviews().rbegin(); r != s.reviews().rend(); ++r) {
        if (only_year == 0 || r->year() == only_year) {
          rows.push_back(ReviewRow(*r));
        }
      }
      break;
    default:
      return common::FieldError("table",
                                "is required: EXPORT_TABLE_LISTINGS or "
                                "EXPORT_TABLE_REVIEWS");
  }
  const bool ndjson = request.format() == v1::EXPORT_FORMAT_NDJSON;
  if (!ndjson && request.format() != v1::EXPORT_FORMAT_CSV &&
      request.format() != v1::EXPORT_FORMAT_UNSPECIFIED) {
    return common::FieldError("format", "is not an ExportFormat");
  }
  return common::ExportFileChunks(
      request.table() == v1::EXPORT_TABLE_LISTINGS
          ? "year,name,kind,country,city,operator,infringement,"
            "first_listed_year,domains,source_url,confidence"
          : "year,online_count,physical_count,published_date,source_url,"
            "online_complete_source_url,physical_complete_source_url,"
            "online_loaded,physical_loaded,online_completeness,"
            "physical_completeness",
      rows, ndjson);
}

}  // namespace nml::listings
