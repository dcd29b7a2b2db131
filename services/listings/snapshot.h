#pragma once

#include <absl/time/time.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/listings/completeness.h"
#include "services/listings/model.h"

namespace nml::listings {

// An immutable, indexed view of the whole listings data set with every
// output-only field computed. Reads are served from the current snapshot
// without touching the database; writes build a new one.
class Snapshot final {
 public:
  static std::shared_ptr<const Snapshot> Build(SnapshotData data,
                                               absl::Time built_at);

  int64_t version() const { return data_.version; }
  absl::Time built_at() const { return built_at_; }
  const SnapshotData& data() const { return data_; }

  // Resources with output-only fields filled in, ordered by name (reviews by
  // year).
  const std::vector<v1::Review>& reviews() const { return reviews_; }
  const std::vector<v1::Market>& markets() const { return markets_; }
  const std::vector<v1::Operator>& operators() const { return operators_; }
  const std::vector<v1::Listing>& listings() const { return listings_; }

  const v1::Review* FindReview(int year) const;
  const v1::Market* FindMarket(std::string_view id) const;
  // FindMarket, or the market `id` was merged into (a merged-away name
  // redirects to its survivor).
  const v1::Market* ResolveMarket(std::string_view id) const;
  const v1::Operator* FindOperator(std::string_view id) const;
  const v1::Listing* FindListing(int year, std::string_view market_id) const;

  // Review years that have at least one listing recorded, ascending. Only
  // these count for history, gaps and "latest": a review with no listings
  // recorded is a review we have no data for, not an empty list.
  const std::vector<int>& years_with_listings() const { return years_; }
  int latest_year() const { return years_.empty() ? 0 : years_.back(); }
  // Years that list the market, ascending.
  std::vector<int> ListedYears(std::string_view market_id) const;
  std::vector<const v1::Listing*> ListingsOf(int year) const;
  // The earliest first year a source reports for the market, 0 if none.
  int ReportedFirstYear(std::string_view market_id) const;
  // Whether the `year` review lists the market (of `kind`), and why: see
  // DecideStatus. UNKNOWN when no such review is recorded.
  StatusAnswer StatusIn(int year, std::string_view market_id,
                        v1::MarketKind kind) const;
  // What the `year` review's online list says of a market it has no
  // listing of and no source dates: NOT_LISTED where the list is complete,
  // else UNKNOWN. Computed once per review here, not per screened host.
  const StatusAnswer& AbsentFromOnlineList(int year) const;
  std::vector<const v1::Market*> MarketsOfOperator(
      std::string_view operator_name) const;

  struct DomainRuleRef {
    const v1::Market* market;
    v1::MatchScope scope;
  };
  // The market that holds `pattern`, if any.
  const DomainRuleRef* FindDomain(std::string_view pattern) const;

  // Every market name (display name, then aliases) normalised for search
  // once here rather than per query: a search compares with each.
  struct SearchName {
    const v1::Market* market;
    const std::string* text;
    std::string normalized;
    // The name without its parenthetical qualifiers, normalised; empty
    // when it has none.
    std::string normalized_outside;
  };
  const std::vector<SearchName>& search_names() const { return search_names_; }

 private:
  Snapshot() = default;

  SnapshotData data_;
  absl::Time built_at_;
  std::vector<v1::Review> reviews_;
  std::vector<v1::Market> markets_;
  std::vector<v1::Operator> operators_;
  std::vector<v1::Listing> listings_;
  std::vector<int> years_;
  std::map<int, size_t, std::less<>> review_index_;
  std::map<std::string, size_t, std::less<>> market_index_;
  std::map<std::string, size_t, std::less<>> merged_index_;
  std::map<std::string, size_t, std::less<>> operator_index_;
  std::map<std::pair<int, std::string>, size_t, std::less<>> listing_index_;
  std::map<std::string, std::vector<int>, std::less<>> years_by_market_;
  std::map<std::string, int, std::less<>> reported_first_;
  std::map<int, StatusAnswer> absent_online_;
  std::unordered_map<std::string, DomainRuleRef> domains_;
  std::vector<SearchName> search_names_;
};

}  // namespace nml::listings
