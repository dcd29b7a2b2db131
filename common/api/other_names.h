#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nml/listings/v1/listings_service.pb.h"

namespace nml::common {

// The other names of the market `asked` ("markets/x"), given the market
// nml-listings answered for it (`now`): its survivor when `asked` was merged
// away, and every name merged into it but `asked`. The responses filed on
// these count for `asked`. One rule for nml-responses (TargetChecker) and the
// gateway's dossier, which both learn `now` from nml-listings.
inline std::vector<std::string> OtherNamesOf(const listings::v1::Market& now,
                                             std::string_view asked) {
  std::vector<std::string> names;
  if (now.name() != asked) names.push_back(now.name());
  for (const std::string& merged : now.merged_markets()) {
    if (merged != asked) names.push_back(merged);
  }
  return names;
}

}  // namespace nml::common
