#include "services/listings/snapshot.h"

#include <absl/strings/str_cat.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/api/parentheticals.h"
#include "services/listings/completeness.h"
#include "services/listings/market_names.h"

namespace nml::listings {

std::shared_ptr<const Snapshot> Snapshot::Build(SnapshotData data,
                                                absl::Time built_at) {
  std::shared_ptr<Snapshot> s(new Snapshot());
  s->built_at_ = built_at;
  s->data_ = std::move(data);
  const SnapshotData& d = s->data_;

  s->operators_ = d.operators;
  std::sort(s->operators_.begin(), s->operators_.end(),
            [](const auto& a, const auto& b) { return a.name() < b.name(); });
  for (size_t i = 0; i < s->operators_.size(); ++i) {
    s->operator_index_[*ParseOperatorName(s->operators_[i].name())] = i;
  }

  s->markets_ = d.markets;
  std::sort(s->markets_.begin(), s->markets_.end(),
            [](const auto& a, const auto& b) { return a.name() < b.name(); });
  for (size_t i = 0; i < s->markets_.size(); ++i) {
    s->market_index_[*ParseMarketName(s->markets_[i].name())] = i;
    for (const std::string& merged : s->markets_[i].merged_markets()) {
      s->merged_index_[*ParseMarketName(merged)] = i;
    }
  }

  // Listings: index by (year, market), and which years list each market.
  s->listings_ = d.listings;
  std::sort(s->listings_.begin(), s->listings_.end(),
            [](const auto& a, const auto& b) { return a.name() < b.name(); });
  std::set<int> years;
  for (size_t i = 0; i < s->listings_.size(); ++i) {
    const auto key = *ParseListingName(s->listings_[i].name());
    s->listing_index_[{key.year, key.market_id}] = i;
    s->years_by_market_[key.market_id].push_back(key.year);
    years.insert(key.year);
  }
  s->years_.assign(years.begin(), years.end());
  for (auto& [market, market_years] : s->years_by_market_) {
    std::sort(market_years.begin(), market_years.end());
  }

  for (v1::Listing& listing : s->listings_) {
    const auto key = *ParseListingName(listing.name());
    if (const v1::Market* market = s->FindMarket(key.market_id)) {
      listing.set_market_display_name(market->display_name());
      listing.set_market_kind(market->kind());
    }
  }

  // Reviews with their loaded counts and completeness per kind.
  s->reviews_ = d.reviews;
  std::sort(s->reviews_.begin(), s->reviews_.end(),
            [](const auto& a, const auto& b) { return a.year() < b.year(); });
  for (size_t i = 0; i < s->reviews_.size(); ++i) {
    v1::Review& review = s->reviews_[i];
    s->review_index_[review.year()] = i;
    int online = 0;
    int physical = 0;
    for (const v1::Listing* listing : s->ListingsOf(review.year())) {
      (listing->market_kind() == v1::MARKET_KIND_PHYSICAL ? physical
                                                          : online)++;
    }
    review.set_online_count(online);
    review.set_physical_count(physical);
    review.set_missing_online_count(
        std::max(0, review.declared_online_count() - online));
    review.set_missing_physical_count(
        std::max(0, review.declared_physical_count() - physical));
    *review.mutable_online_completeness() =
        ComputeCompleteness(review, v1::MARKET_KIND_ONLINE, online);
    *review.mutable_physical_completeness() =
        ComputeCompleteness(review, v1::MARKET_KIND_PHYSICAL, physical);
    review.set_complete(
        review.online_completeness().state() == v1::COMPLETENESS_COMPLETE &&
        review.physical_completeness().state() == v1::COMPLETENESS_COMPLETE);
  }

  for (const v1::Review& review : s->reviews_) {
    s->absent_online_[review.year()] =
        DecideStatus(review.year(), &review, v1::MARKET_KIND_ONLINE, false, 0);
  }

  // The earliest first year a source reports for each market.
  for (const v1::Listing& listing : s->listings_) {
    if (listing.reported_first_year() == 0) continue;
    int& first = s->reported_first_[*ParseMarketName(listing.market())];
    if (first == 0 || listing.reported_first_year() < first) {
      first = listing.reported_first_year();
    }
  }

  // Derived listing fields, over the years that have data; a review
  // without a listing of the market breaks a run for certain only where it
  // does NOT_LIST it (see Listing.consecutive_years).
  for (v1::Listing& listing : s->listings_) {
    const auto key = *ParseListingName(listing.name());
    const auto& listed = s->years_by_market_[key.market_id];
    const v1::MarketKind kind = listing.market_kind();
    const auto year_pos =
        std::lower_bound(s->years_.begin(), s->years_.end(), key.year);
    const bool listed_before = !listed.empty() && listed.front() < key.year;
    int consecutive = 1;
    int run_start = key.year;
    bool gap_before = false;
    for (auto it = year_pos; it != s->years_.begin();) {
      --it;
      if (!std::binary_search(listed.begin(), listed.end(), *it)) {
        gap_before = it == year_pos - 1 &&
                     s->StatusIn(*it, key.market_id, kind).status ==
                         v1::LISTING_STATUS_NOT_LISTED;
        break;
      }
      ++consecutive;
      run_start = *it;
    }
    // The whole run only if the loaded review before it settles "not
    // listed" (or, before the first loaded review, the source's first year).
    const auto before_run =
        std::lower_bound(s->years_.begin(), s->years_.end(), run_start);
    const bool exact =
        s->StatusIn(before_run == s->years_.begin() ? run_start - 1
                                                    : *(before_run - 1),
                    key.market_id, kind)
            .status == v1::LISTING_STATUS_NOT_LISTED;
    listing.set_consecutive_years(consecutive);
    listing.set_consecutive_years_exact(exact);
    listing.set_relisted_after_gap(listed_before && gap_before);
  }

  // first_time only where the data can tell (see Listing.first_time).
  for (v1::Listing& listing : s->listings_) {
    const auto key = *ParseListingName(listing.name());
    const auto& listed = s->years_by_market_[key.market_id];
    const int reported = s->ReportedFirstYear(key.market_id);
    if (listed.front() < key.year || (reported != 0 && reported < key.year)) {
      listing.set_first_time(false);
    } else if (reported == key.year) {
      listing.set_first_time(true);
    } else if (const v1::Review* previous = s->FindReview(key.year - 1);
               previous != nullptr &&
               CompletenessOf(*previous, listing.market_kind()).state() ==
                   v1::COMPLETENESS_COMPLETE) {
      // The review before lists every market of this kind, not this one.
      listing.set_first_time(true);
    }
  }

  for (const v1::Market& market : s->markets_) {
    for (const v1::DomainRule& rule : market.domains()) {
      s->domains_[rule.pattern()] = DomainRuleRef{&market, rule.scope()};
    }
    const auto add_name = [&](const std::string& text) {
      const auto parts = common::SplitParentheticals(text);
      s->search_names_.push_back(
          {&market, &text, NormalizeName(text),
           parts.inside.empty() ? "" : NormalizeName(parts.outside)});
    };
    add_name(market.display_name());
    for (const std::string& alias : market.aliases()) add_name(alias);
  }
  return s;
}

int Snapshot::ReportedFirstYear(std::string_view market_id) const {
  const auto it = reported_first_.find(market_id);
  return it == reported_first_.end() ? 0 : it->second;
}

StatusAnswer Snapshot::StatusIn(int year, std::string_view market_id,
                                v1::MarketKind kind) const {
  return DecideStatus(year, FindReview(year), kind,
                      FindListing(year, market_id) != nullptr,
                      ReportedFirstYear(market_id));
}

const StatusAnswer& Snapshot::AbsentFromOnlineList(int year) const {
  static const StatusAnswer kNoReview{v1::LISTING_STATUS_UNKNOWN,
                                      v1::STATUS_RULE_LIST_INCOMPLETE,
                                      "no such review is recorded"};
  const auto it = absent_online_.find(year);
  return it == absent_online_.end() ? kNoReview : it->second;
}

const v1::Review* Snapshot::FindReview(int year) const {
  const auto it = review_index_.find(year);
  return it == review_index_.end() ? nullptr : &reviews_[it->second];
}

const v1::Market* Snapshot::FindMarket(std::string_view id) const {
  const auto it = market_index_.find(id);
  return it == market_index_.end() ? nullptr : &markets_[it->second];
}

const v1::Market* Snapshot::ResolveMarket(std::string_view id) const {
  if (const v1::Market* market = FindMarket(id)) return market;
  const auto it = merged_index_.find(id);
  return it == merged_index_.end() ? nullptr : &markets_[it->second];
}

const v1::Operator* Snapshot::FindOperator(std::string_view id) const {
  const auto it = operator_index_.find(id);
  return it == operator_index_.end() ? nullptr : &operators_[it->second];
}

const v1::Listing* Snapshot::FindListing(int year,
                                         std::string_view market_id) const {
  const auto it =
      listing_index_.find(std::make_pair(year, std::string(market_id)));
  return it == listing_index_.end() ? nullptr : &listings_[it->second];
}

std::vector<int> Snapshot::ListedYears(std::string_view market_id) const {
  const auto it = years_by_market_.find(market_id);
  return it == years_by_market_.end() ? std::vector<int>{} : it->second;
}

std::vector<const v1::Listing*> Snapshot::ListingsOf(int year) const {
  std::vector<const v1::Listing*> result;
  for (auto it =
           listing_index_.lower_bound(std::make_pair(year, std::string()));
       it != listing_index_.end() && it->first.first == year; ++it) {
    result.push_back(&listings_[it->second]);
  }
  return result;
}

std::vector<const v1::Market*> Snapshot::MarketsOfOperator(
    std::string_view operator_name) const {
  std::vector<const v1::Market*> result;
  for (const v1::Market& market : markets_) {
    if (!operator_name.empty() && market.operator_() == operator_name) {
      result.push_back(&market);
    }
  }
  return result;
}

const Snapshot::DomainRuleRef* Snapshot::FindDomain(
    std::string_view pattern) const {
  const auto it = domains_.find(std::string(pattern));
  return it == domains_.end() ? nullptr : &it->second;
}

}  // namespace nml::listings
