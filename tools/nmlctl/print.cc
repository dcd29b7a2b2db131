#include "tools/nmlctl/print.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>

#include <cstdio>

#include "common/validation.h"
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

void PrintReviewLine(const v1::Review& r) {
  std::printf("%-6d %-10s online %3d/%-3d physical %3d/%-3d %s\n", r.year(),
              StateName(r.state()).c_str(), r.online_count(),
              r.declared_online_count(), r.physical_count(),
              r.declared_physical_count(),
              r.complete() ? "complete" : "incomplete");
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
