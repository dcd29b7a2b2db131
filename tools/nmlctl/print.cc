#include "tools/nmlctl/print.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>

#include <cstdio>

#include "common/api/strings.h"
#include "common/api/validation.h"
#include "tools/nmlctl/client.h"

namespace nml::cli {

namespace v1 = nml::listings::v1;
namespace rv1 = nml::responses::v1;

std::string KindName(v1::MarketKind kind) {
  return kind == v1::MARKET_KIND_ONLINE     ? "online"
         : kind == v1::MARKET_KIND_PHYSICAL ? "physical"
                                            : "-";
}

std::string StateName(v1::ReviewState state) {
  return state == v1::REVIEW_STATE_PUBLISHED ? "PUBLISHED" : "DRAFT";
}

namespace {

// "complete", "incomplete", "unknown".
std::string CompletenessName(v1::Completeness c) {
  return c == v1::COMPLETENESS_COMPLETE     ? "complete"
         : c == v1::COMPLETENESS_INCOMPLETE ? "incomplete"
                                            : "unknown";
}

// "42/42 complete", "5/? unknown".
std::string KindCell(const v1::KindCompleteness& c) {
  return absl::StrFormat(
      "%3d/%-3s %-10s", c.loaded_count(),
      c.declared_count() > 0 ? absl::StrCat(c.declared_count()) : "?",
      CompletenessName(c.state()));
}

}  // namespace

void PrintReviewLine(const v1::Review& r) {
  std::printf("%-6d %-10s online %s physical %s\n", r.year(),
              StateName(r.state()).c_str(),
              KindCell(r.online_completeness()).c_str(),
              KindCell(r.physical_completeness()).c_str());
}

std::string StatusName(v1::ListingStatus status) {
  return status == v1::LISTING_STATUS_LISTED       ? "LISTED"
         : status == v1::LISTING_STATUS_NOT_LISTED ? "NOT LISTED"
                                                   : "UNKNOWN";
}

void PrintReviewStatuses(const v1::GetMarketHistoryResponse& h) {
  for (const v1::ListingStatus status :
       {v1::LISTING_STATUS_LISTED, v1::LISTING_STATUS_NOT_LISTED,
        v1::LISTING_STATUS_UNKNOWN}) {
    std::vector<int> years;
    for (const auto& s : h.review_statuses()) {
      if (s.status() == status) years.push_back(s.year());
    }
    const char* label = status == v1::LISTING_STATUS_LISTED       ? "listed"
                        : status == v1::LISTING_STATUS_NOT_LISTED ? "not listed"
                                                                  : "unknown";
    if (status == v1::LISTING_STATUS_LISTED || !years.empty()) {
      std::printf("%s: %s\n", label,
                  years.empty() ? "never" : common::YearRuns(years).c_str());
    }
  }
  for (const auto& s : h.review_statuses()) {
    std::printf("  %d  %-10s  %s\n", s.year(), StatusName(s.status()).c_str(),
                s.reason().c_str());
  }
}

std::string Date(const nml::type::v1::Date& d) {
  return d.year() == 0 ? "?" : common::DateText(d);
}

void PrintResponse(const rv1::Response& r) {
  std::printf("%-10s %-28s %-45.45s %s\n", Date(r.stated_on()).c_str(),
              EnumLabel(rv1::Stance_descriptor(), r.stance()).c_str(),
              r.stakeholder_display_name().c_str(),
              absl::StrJoin(r.targets(), ", ").c_str());
}

void PrintStanceCount(const rv1::StanceCount& c, const char* indent) {
  std::printf("%s%-28s %-38s %d\n", indent,
              EnumLabel(rv1::Stance_descriptor(), c.stance()).c_str(),
              EnumLabel(rv1::StakeholderType_descriptor(), c.stakeholder_type())
                  .c_str(),
              c.count());
}

}  // namespace nml::cli
