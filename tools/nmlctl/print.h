#pragma once

#include <string>

#include "nml/listings/v1/listings_service.pb.h"
#include "nml/responses/v1/responses_service.pb.h"

namespace nml::cli {

// The table lines the commands print (--json prints protobuf JSON instead).
std::string KindName(listings::v1::MarketKind kind);
std::string StateName(listings::v1::ReviewState state);
// "2021   PUBLISHED  online  42/42  complete, physical  12/35  incomplete".
void PrintReviewLine(const listings::v1::Review& r);
// "LISTED", "NOT LISTED", "UNKNOWN".
std::string StatusName(listings::v1::ListingStatus status);
// A market's status in every review: a line per status with its years
// ("listed: 2021-2022"), then each year with the rule that decided it.
void PrintReviewStatuses(const listings::v1::GetMarketHistoryResponse& h);
// "2022", "2022-02", "2022-02-18" or "?".
std::string Date(const type::v1::Date& d);
void PrintResponse(const responses::v1::Response& r);
// "<stance> <stakeholder type> <count>", after `indent`.
void PrintStanceCount(const responses::v1::StanceCount& c,
                      const char* indent = "");

}  // namespace nml::cli
