#pragma once

#include <string>

#include "nml/listings/v1/resources.pb.h"

namespace nml::listings {

// "online" or "physical".
std::string KindWord(v1::MarketKind kind);

// The completeness of `review`'s list of `kind` with `loaded` listings of it
// loaded (see the `Completeness` enum): COMPLETE when an operator declared
// it or the loaded count reaches a declared count, INCOMPLETE when a
// declared count is not reached, UNKNOWN when none is recorded.
v1::KindCompleteness ComputeCompleteness(const v1::Review& review,
                                         v1::MarketKind kind, int loaded);

// The review's completeness of `kind` as the snapshot computed it.
const v1::KindCompleteness& CompletenessOf(const v1::Review& review,
                                           v1::MarketKind kind);

// Why a review's list of `kind` proves nothing about a market it has no
// listing of: "not among the 9 of 38 online markets loaded for the 2024
// review" or "... the 5 online markets loaded for the 2016 review, whose
// online count is not recorded".
std::string NotLoadedReason(const v1::Review& review, v1::MarketKind kind);

// Why a review's list of `kind` does settle it: "the 2021 review's online
// list is complete (42 of 42 loaded) without it".
std::string CompleteWithoutReason(const v1::Review& review,
                                  v1::MarketKind kind);

// Whether the `year` review (`review`, nullptr when none is recorded) lists
// a market of `kind`, and why nml says so.
struct StatusAnswer {
  v1::ListingStatus status = v1::LISTING_STATUS_UNSPECIFIED;
  v1::StatusRule rule = v1::STATUS_RULE_UNSPECIFIED;
  std::string reason;
};
// `listed`: a listing of the review names the market. `reported_first_year`:
// the earliest first year a source reports for it (0 if none). The rules,
// in order: a listing; a source's first year after the review; a COMPLETE
// list; otherwise UNKNOWN.
StatusAnswer DecideStatus(int year, const v1::Review* review,
                          v1::MarketKind kind, bool listed,
                          int reported_first_year);

}  // namespace nml::listings
