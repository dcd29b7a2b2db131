#include "services/listings/snapshot.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/parentheticals.h"
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

  // Derived listing fields, over the years that have data.
  for (v1::Listing& listing : s->listings_) {
    const auto key = *ParseListingName(listing.name());
    const auto& listed = s->years_by_market_[key.market_id];
    const auto year_pos =
        std::lower_bound(s->years_.begin(), s->years_.end(), key.year);
    const bool listed_before = !listed.empty() && listed.front() < key.year;
    bool listed_in_previous = false;
    int consecutive = 1;
    for (auto it = year_pos; it != s->years_.begin();) {
      --it;
      if (!std::binary_search(listed.begin(), listed.end(), *it)) break;
      if (it == year_pos - 1) listed_in_previous = true;
      ++consecutive;
    }
    listing.set_consecutive_years(consecutive);
    listing.set_relisted_after_gap(listed_before && !listed_in_previous);
    if (const v1::Market* market = s->FindMarket(key.market_id)) {
      listing.set_market_display_name(market->display_name());
      listing.set_market_kind(market->kind());
    }
  }

  // Reviews with their recorded counts and completeness.
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
    review.set_complete(review.declared_online_count() > 0 &&
                        review.declared_physical_count() > 0 &&
                        review.declared_online_count() == online &&
                        review.declared_physical_count() == physical);
  }

  // first_time only where the data can tell (see Listing.first_time).
  std::map<std::string, int> reported_first;  // market id -> earliest
  for (const v1::Listing& listing : s->listings_) {
    if (listing.reported_first_year() == 0) continue;
    int& first = reported_first[*ParseMarketName(listing.market())];
    if (first == 0 || listing.reported_first_year() < first) {
      first = listing.reported_first_year();
    }
  }
  for (v1::Listing& listing : s->listings_) {
    const auto key = *ParseListingName(listing.name());
    const auto& listed = s->years_by_market_[key.market_id];
    const auto reported = reported_first.find(key.market_id);
    if (listed.front() < key.year ||
        (reported != reported_first.end() && reported->second < key.year)) {
      listing.set_first_time(false);
    } else if (reported != reported_first.end() &&
               reported->second == key.year) {
      listing.set_first_time(true);
    } else if (const v1::Review* previous = s->FindReview(key.year - 1);
               previous != nullptr &&
               (listing.market_kind() == v1::MARKET_KIND_PHYSICAL
                    ? previous->declared_physical_count() > 0 &&
                          previous->missing_physical_count() == 0
                    : previous->declared_online_count() > 0 &&
                          previous->missing_online_count() == 0)) {
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
