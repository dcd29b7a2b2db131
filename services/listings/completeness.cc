#include "services/listings/completeness.h"

#include <absl/strings/str_cat.h>

namespace nml::listings {

std::string KindWord(v1::MarketKind kind) {
  return kind == v1::MARKET_KIND_PHYSICAL ? "physical" : "online";
}

v1::KindCompleteness ComputeCompleteness(const v1::Review& review,
                                         v1::MarketKind kind, int loaded) {
  const bool physical = kind == v1::MARKET_KIND_PHYSICAL;
  const int declared = physical ? review.declared_physical_count()
                                : review.declared_online_count();
  const std::string& declared_by = physical
                                       ? review.physical_complete_source_url()
                                       : review.online_complete_source_url();
  const std::string word = KindWord(kind);
  v1::KindCompleteness c;
  c.set_kind(kind);
  c.set_declared_count(declared);
  c.set_loaded_count(loaded);
  if (!declared_by.empty()) {
    c.set_state(v1::COMPLETENESS_COMPLETE);
    c.set_reason(absl::StrCat("declared complete by an operator (", declared_by,
                              "); ", loaded, " ", word, " markets loaded"));
  } else if (declared > 0) {
    c.set_state(loaded >= declared ? v1::COMPLETENESS_COMPLETE
                                   : v1::COMPLETENESS_INCOMPLETE);
    c.set_reason(
        absl::StrCat(loaded, " of ", declared, " ", word, " markets loaded"));
  } else {
    c.set_state(v1::COMPLETENESS_UNKNOWN);
    c.set_reason(absl::StrCat(word, " count not recorded; ", loaded, " ", word,
                              " markets loaded"));
  }
  return c;
}

const v1::KindCompleteness& CompletenessOf(const v1::Review& review,
                                           v1::MarketKind kind) {
  return kind == v1::MARKET_KIND_PHYSICAL ? review.physical_completeness()
                                          : review.online_completeness();
}

std::string NotLoadedReason(const v1::Review& review, v1::MarketKind kind) {
  const v1::KindCompleteness& c = CompletenessOf(review, kind);
  const std::string word = KindWord(kind);
  if (c.declared_count() > 0) {
    return absl::StrCat("not among the ", c.loaded_count(), " of ",
                        c.declared_count(), " ", word,
                        " markets loaded for the ", review.year(), " review");
  }
  return absl::StrCat("not among the ", c.loaded_count(), " ", word,
                      " markets loaded for the ", review.year(),
                      " review, whose ", word, " count is not recorded");
}

std::string CompleteWithoutReason(const v1::Review& review,
                                  v1::MarketKind kind) {
  const v1::KindCompleteness& c = CompletenessOf(review, kind);
  return absl::StrCat("the ", review.year(), " review's ", KindWord(kind),
                      " list is complete (", c.reason(), ") without it");
}

StatusAnswer DecideStatus(int year, const v1::Review* review,
                          v1::MarketKind kind, bool listed,
                          int reported_first_year) {
  if (listed) {
    return {v1::LISTING_STATUS_LISTED, v1::STATUS_RULE_LISTING_RECORDED,
            absl::StrCat("listed in the ", year, " review")};
  }
  if (reported_first_year > year) {
    return {v1::LISTING_STATUS_NOT_LISTED, v1::STATUS_RULE_FIRST_LISTED_LATER,
            absl::StrCat("a source reports it first listed in ",
                         reported_first_year)};
  }
  if (review == nullptr) {
    return {v1::LISTING_STATUS_UNKNOWN, v1::STATUS_RULE_LIST_INCOMPLETE,
            absl::StrCat("no ", year, " review is recorded")};
  }
  if (CompletenessOf(*review, kind).state() == v1::COMPLETENESS_COMPLETE) {
    return {v1::LISTING_STATUS_NOT_LISTED, v1::STATUS_RULE_COMPLETE_LIST,
            CompleteWithoutReason(*review, kind)};
  }
  return {v1::LISTING_STATUS_UNKNOWN, v1::STATUS_RULE_LIST_INCOMPLETE,
          NotLoadedReason(*review, kind)};
}

}  // namespace nml::listings
