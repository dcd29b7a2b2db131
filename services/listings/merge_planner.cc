// PlanMergeMarkets and PlanSplitMarket.
#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/api/field_mask.h"
#include "common/api/status.h"
#include "services/listings/country.h"
#include "services/listings/domain.h"
#include "services/listings/market_names.h"
#include "services/listings/plan_rules.h"
#include "services/listings/planner.h"
#include "services/listings/reconcile.h"

namespace nml::listings {

using common::FieldError;

// ------------------------------------------------------------ merge, split

absl::StatusOr<Plan<v1::MergeMarketsResponse>> PlanMergeMarkets(
    const SnapshotData& current, const v1::MergeMarketsRequest& request,
    absl::Time now) {
  const auto target_id = ParseMarketName(request.market());
  if (!target_id) return FieldError("market", "must be markets/{market}");
  const v1::Market* target = FindByName(current.markets, request.market());
  if (target == nullptr) {
    return absl::NotFoundError(absl::StrCat(request.market(), " not found"));
  }
  if (request.merged_markets_size() == 0) {
    return FieldError("merged_markets", "name at least one market");
  }
  Plan<v1::MergeMarketsResponse> plan;
  v1::Market merged = *target;
  std::set<int> years;
  for (const int y : [&] {
         std::vector<int> v;
         for (const auto& l : current.listings) {
           if (l.market() == target->name())
             v.push_back(ParseListingName(l.name())->year);
         }
         return v;
       }()) {
    years.insert(y);
  }
  std::set<std::string> seen;
  for (int i = 0; i < request.merged_markets_size(); ++i) {
    const std::string field = absl::StrCat("merged_markets[", i, "]");
    const std::string& name = request.merged_markets(i);
    const auto id = ParseMarketName(name);
    if (!id) return FieldError(field, "must be markets/{market}");
    if (name == request.market())
      return FieldError(field, "is the surviving market");
    if (!seen.insert(name).second) return FieldError(field, "is named twice");
    const v1::Market* other = FindByName(current.markets, name);
    if (other == nullptr)
      return absl::NotFoundError(absl::StrCat(name, " not found"));
    if (other->kind() != target->kind()) {
      return FieldError(field, "is of another kind than the surviving market");
    }
    AddAlias(merged, other->display_name());
    for (const auto& a : other->aliases()) AddAlias(merged, a);
    // The old names redirect to the survivor, and so do those merged
    // into the old market before.
    merged.add_merged_markets(name);
    for (const auto& m : other->merged_markets()) merged.add_merged_markets(m);
    for (const auto& d : other->domains()) *merged.add_domains() = d;
    if (merged.country_code().empty())
      merged.set_country_code(other->country_code());
    if (merged.city().empty()) merged.set_city(other->city());
    if (merged.operator_().empty()) merged.set_operator_(other->operator_());
    for (const v1::Listing& l : current.listings) {
      if (l.market() != name) continue;
      const int year = ParseListingName(l.name())->year;
      if (!years.insert(year).second) {
        return absl::FailedPreconditionError(
            absl::StrCat(field, ": both markets are listed in review ", year,
                         "; they cannot be the same market"));
      }
      v1::Listing moved = l;
      moved.set_name(ListingName(year, *target_id));
      moved.set_market(request.market());
      Stamp(moved, static_cast<const v1::Listing*>(nullptr), now);
      *moved.mutable_create_time() = l.create_time();
      plan.changes.delete_listings.push_back(l.name());
      plan.changes.upsert_listings.push_back(moved);
      plan.response.set_listings_moved(plan.response.listings_moved() + 1);
    }
    plan.changes.delete_markets.push_back(*id);
  }
  Stamp(merged, target, now);
  plan.changes.upsert_markets.push_back(merged);
  *plan.response.mutable_market() = merged;
  return plan;
}

absl::StatusOr<Plan<v1::SplitMarketResponse>> PlanSplitMarket(
    const SnapshotData& current, const v1::SplitMarketRequest& request,
    absl::Time now) {
  const auto source_id = ParseMarketName(request.market());
  if (!source_id) return FieldError("market", "must be markets/{market}");
  const v1::Market* source = FindByName(current.markets, request.market());
  if (source == nullptr) {
    return absl::NotFoundError(absl::StrCat(request.market(), " not found"));
  }
  if (request.years_size() == 0) {
    return FieldError("years", "name at least one review year to move");
  }
  v1::CreateMarketRequest create;
  create.set_market_id(request.new_market_id());
  *create.mutable_market() = request.new_market();
  create.mutable_market()->clear_domains();
  // Splitting out a market merged in before gives its name back: it stops
  // redirecting to this one.
  v1::Market remaining = *source;
  const std::string new_name = MarketName(request.new_market_id());
  auto* merged_names = remaining.mutable_merged_markets();
  merged_names->erase(
      std::remove(merged_names->begin(), merged_names->end(), new_name),
      merged_names->end());
  SnapshotData unmerged;
  const SnapshotData* base = &current;
  if (merged_names->size() != source->merged_markets_size()) {
    unmerged = current;
    for (v1::Market& m : unmerged.markets) {
      if (m.name() == request.market()) m = remaining;
    }
    base = &unmerged;
  }
  auto created = PlanCreateMarket(*base, create, now);
  if (!created.ok()) {
    return absl::Status(created.status().code(),
                        absl::StrCat("new_", created.status().message()));
  }
  Plan<v1::SplitMarketResponse> plan;
  plan.changes = created->changes;
  v1::Market fresh = created->response.market();
  const std::string new_id = *ParseMarketName(fresh.name());
  // The new market's name stops being an alias of the old one.
  auto* aliases = remaining.mutable_aliases();
  aliases->erase(std::remove_if(aliases->begin(), aliases->end(),
                                [&](const std::string& a) {
                                  return LowerTrim(a) ==
                                         LowerTrim(fresh.display_name());
                                }),
                 aliases->end());
  for (int i = 0; i < request.years_size(); ++i) {
    const int year = request.years(i);
    const v1::Listing* l =
        FindByName(current.listings, ListingName(year, *source_id));
    if (l == nullptr) {
      return FieldError(
          absl::StrCat("years[", i, "]"),
          absl::StrCat(request.market(), " is not listed in ", year));
    }
    v1::Listing moved = *l;
    moved.set_name(ListingName(year, new_id));
    moved.set_market(fresh.name());
    Stamp(moved, static_cast<const v1::Listing*>(nullptr), now);
    plan.changes.delete_listings.push_back(l->name());
    plan.changes.upsert_listings.push_back(moved);
  }
  Stamp(remaining, source, now);
  plan.changes.upsert_markets.push_back(remaining);
  *plan.response.mutable_market() = remaining;
  *plan.response.mutable_new_market() = fresh;
  return plan;
}

}  // namespace nml::listings
