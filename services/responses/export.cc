// ExportResponses: the responses as data/responses.csv, in words the
// import (import_rules.h) maps back to the same fields.
#include "services/responses/export.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include <algorithm>
#include <tuple>

#include "common/api/export_file.h"
#include "common/api/names.h"

namespace nml::responses {

namespace {

// The word MapStance reads back as `stance`.
std::string StanceWords(const v1::Response& r) {
  std::string words;
  switch (r.stance()) {
    case v1::STANCE_OPPOSES:
      words = "opposes";
      break;
    case v1::STANCE_DISAGREES:
      words = "disagrees";
      break;
    case v1::STANCE_WELCOMES:
      words = "welcomes";
      break;
    case v1::STANCE_SUPPORTS:
      words = "supports";
      break;
    case v1::STANCE_COMMITS_TO_COOPERATE:
      words = "commits to cooperate";
      break;
    case v1::STANCE_ACKNOWLEDGES:
      words = "acknowledges";
      break;
    case v1::STANCE_NEUTRAL:
      words = "neutral";
      break;
    default:
      words = v1::Stance_Name(r.stance());
  }
  for (const std::string& c : r.commitments()) {
    absl::StrAppend(&words, "; commits to ", c);
  }
  return words;
}

// The word MapStakeholderType reads back as `type`.
std::string TypeWords(v1::StakeholderType type) {
  switch (type) {
    case v1::STAKEHOLDER_TYPE_GOVERNMENT:
      return "government";
    case v1::STAKEHOLDER_TYPE_MARKET_OPERATOR:
      return "market operator";
    case v1::STAKEHOLDER_TYPE_INDUSTRY_ASSOCIATION:
      return "industry association";
    case v1::STAKEHOLDER_TYPE_RIGHTS_HOLDER:
      return "rights holder";
    case v1::STAKEHOLDER_TYPE_CIVIL_SOCIETY:
      return "civil society";
    default:
      return "other";
  }
}

// The target column: each market's name (a listing's market), a review as
// "list overall" (the import files it on the row's review), comma-separated
// as SplitTargets reads them.
std::string TargetWords(const v1::Response& r,
                        const std::map<std::string, std::string>& names) {
  std::vector<std::string> parts;
  const auto add = [&parts](std::string part) {
    if (std::find(parts.begin(), parts.end(), part) == parts.end()) {
      parts.push_back(std::move(part));
    }
  };
  for (const std::string& target : r.targets()) {
    std::string market = target;
    if (const size_t at = target.find("/listings/");
        target.starts_with(common::kReviewsPrefix) && at != std::string::npos) {
      market = common::MarketName(target.substr(at + 10));
    } else if (target.starts_with(common::kReviewsPrefix)) {
      add("list overall");
      continue;
    }
    const auto it = names.find(market);
    add(it != names.end() ? it->second : market);
  }
  return absl::StrJoin(parts, ", ");
}

std::string DateWords(const v1::Response& r) {
  if (!r.has_stated_on() || r.stated_on().year() == 0) return "";
  const auto& d = r.stated_on();
  std::string text = absl::StrCat(d.year());
  if (d.month() != 0)
    absl::StrAppend(&text, "-", d.month() < 10 ? "0" : "", d.month());
  if (d.month() != 0 && d.day() != 0) {
    absl::StrAppend(&text, "-", d.day() < 10 ? "0" : "", d.day());
  }
  return text;
}

}  // namespace

std::vector<google::api::HttpBody> ExportResponsesFile(
    std::vector<v1::Response> responses,
    const std::map<std::string, std::string>& market_names,
    v1::ExportFormat format) {
  std::vector<common::ExportRow> rows;
  for (const v1::Response& r : responses) {
    rows.push_back({{"year", absl::StrCat(r.review_year())},
                    {"stakeholder", r.stakeholder_display_name()},
                    {"stakeholder_type", TypeWords(r.stakeholder_type())},
                    {"target_market", TargetWords(r, market_names)},
                    {"stance", StanceWords(r)},
                    {"paraphrase", r.summary()},
                    {"date", DateWords(r)},
                    {"source_url", r.source_url()}});
  }
  // Newest review first, as data/ is; then by what the row says.
  std::sort(rows.begin(), rows.end(),
            [](const common::ExportRow& a, const common::ExportRow& b) {
              const auto key = [](const common::ExportRow& r) {
                return std::tuple(-std::stoi(r[0].second),
                                  absl::AsciiStrToLower(r[1].second),
                                  r[6].second, r[5].second, r[3].second);
              };
              return key(a) < key(b);
            });
  return common::ExportFileChunks(
      "year,stakeholder,stakeholder_type,target_market,stance,paraphrase,date,"
      "source_url",
      rows, format == v1::EXPORT_FORMAT_NDJSON);
}

std::string ExportResponsesFileName(const v1::ExportResponsesRequest& request) {
  return absl::StrCat(
      "responses",
      request.review_year() != 0 ? absl::StrCat("-", request.review_year())
                                 : "",
      request.format() == v1::EXPORT_FORMAT_NDJSON ? ".ndjson" : ".csv");
}

}  // namespace nml::responses
