// The planners of the standard methods: reviews, markets, operators, listings.
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

// ------------------------------------------------------------ reviews

absl::StatusOr<Plan<v1::CreateReviewResponse>> PlanCreateReview(
    const SnapshotData& current, const v1::CreateReviewRequest& request,
    absl::Time now) {
  if (auto st = CheckReviewYear(request.review_id(), "review_id"); !st.ok())
    return st;
  if (auto st = ValidateReviewFields(request.review(), "review"); !st.ok()) {
    return st;
  }
  if (FindReview(current, request.review_id()) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat(ReviewName(request.review_id()), " already exists"));
  }
  Plan<v1::CreateReviewResponse> plan;
  v1::Review review = StoredReviewFields(request.review());
  review.set_name(ReviewName(request.review_id()));
  review.set_year(request.review_id());
  review.set_state(v1::REVIEW_STATE_DRAFT);
  Stamp(review, static_cast<const v1::Review*>(nullptr), now);
  plan.changes.upsert_reviews.push_back(review);
  auto settled = SettleState(current, plan.changes, review.year(),
                             request.review().state(), true);
  if (!settled.ok()) return settled.status();
  *plan.response.mutable_review() = std::move(settled->review);
  return plan;
}

absl::StatusOr<Plan<v1::UpdateReviewResponse>> PlanUpdateReview(
    const SnapshotData& current, const v1::UpdateReviewRequest& request,
    absl::Time now) {
  const auto year = ParseReviewName(request.review().name());
  if (!year) return FieldError("review.name", "must be reviews/{year}");
  const v1::Review* stored = FindReview(current, *year);
  if (stored == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(request.review().name(), " not found"));
  }
  if (auto st = common::CheckEtag(request.review().etag(), stored->etag(),
                                  "review.etag");
      !st.ok()) {
    return st;
  }
  v1::Review updated = *stored;
  if (auto st = common::ApplyFieldMask(
          request.update_mask(), request.review(),
          {"title", "published_on", "declared_online_count",
           "declared_physical_count", "state", "source_url",
           "comment_docket_id", "online_complete_source_url",
           "physical_complete_source_url"},
          updated);
      !st.ok()) {
    return st;
  }
  if (auto st = ValidateReviewFields(updated, "review"); !st.ok()) return st;
  const v1::ReviewState wanted = updated.state();
  updated.set_state(stored->state());
  Stamp(updated, stored, now);
  Plan<v1::UpdateReviewResponse> plan;
  plan.changes.upsert_reviews.push_back(updated);
  auto settled = SettleState(current, plan.changes, *year, wanted, true);
  if (!settled.ok()) return settled.status();
  *plan.response.mutable_review() = std::move(settled->review);
  return plan;
}

absl::StatusOr<Plan<v1::DeleteReviewResponse>> PlanDeleteReview(
    const SnapshotData& current, const v1::DeleteReviewRequest& request) {
  const auto year = ParseReviewName(request.name());
  if (!year) return FieldError("name", "must be reviews/{year}");
  const v1::Review* stored = FindReview(current, *year);
  if (stored == nullptr) {
    return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  }
  if (auto st = common::CheckEtag(request.etag(), stored->etag(), "etag");
      !st.ok()) {
    return st;
  }
  Plan<v1::DeleteReviewResponse> plan;
  plan.changes.delete_reviews.push_back(*year);
  const std::string prefix = absl::StrCat(request.name(), "/listings/");
  int deleted = 0;
  for (const v1::Listing& l : current.listings) {
    if (absl::StartsWith(l.name(), prefix)) ++deleted;
  }
  plan.response.set_deleted_listing_count(deleted);
  return plan;
}

// ------------------------------------------------------------ markets

namespace {

absl::Status ValidateMarket(const v1::Market& market,
                            const SnapshotData& current,
                            const std::string& self_id) {
  if (auto st = CheckText(market.display_name(), "market.display_name",
                          kMaxNameLength, true);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckNames(market.aliases(), "market.aliases"); !st.ok())
    return st;
  if (market.kind() != v1::MARKET_KIND_ONLINE &&
      market.kind() != v1::MARKET_KIND_PHYSICAL) {
    return FieldError("market.kind", "must be ONLINE or PHYSICAL");
  }
  if (auto st = CheckCountryCode(market.country_code(), "market.country_code");
      !st.ok()) {
    return st;
  }
  if (auto st = CheckText(market.city(), "market.city", kMaxNameLength, false);
      !st.ok()) {
    return st;
  }
  if (!market.operator_().empty() &&
      FindByName(current.operators, market.operator_()) == nullptr) {
    return FieldError("market.operator",
                      absl::StrCat(market.operator_(), " does not exist"));
  }
  if (auto st = CheckDomains(market.domains(), "market.domains"); !st.ok()) {
    return st;
  }
  for (int i = 0; i < market.domains_size(); ++i) {
    const std::string owner = DomainOwner(current, market.domains(i).pattern());
    if (!owner.empty() && owner != self_id) {
      return absl::AlreadyExistsError(absl::StrCat(
          "market.domains[", i, "].pattern: '", market.domains(i).pattern(),
          "' belongs to ", MarketName(owner)));
    }
  }
  return absl::OkStatus();
}

v1::Market StoredMarketFields(const v1::Market& m) {
  v1::Market stored = m;
  stored.clear_etag();
  stored.clear_create_time();
  stored.clear_update_time();
  return stored;
}

}  // namespace

absl::StatusOr<Plan<v1::CreateMarketResponse>> PlanCreateMarket(
    const SnapshotData& current, const v1::CreateMarketRequest& request,
    absl::Time now) {
  std::string id = request.market_id();
  if (id.empty()) {
    id = Slugify(request.market().display_name());
    if (!id.empty()) id = UniqueId(id, TakenMarketIds(current));
  }
  if (!IsValidId(id)) {
    return FieldError("market_id",
                      "must be 1-63 lower-case letters, digits and hyphens");
  }
  if (FindByName(current.markets, MarketName(id)) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat(MarketName(id), " already exists"));
  }
  if (const v1::Market* survivor = MergedInto(current, MarketName(id))) {
    return absl::AlreadyExistsError(
        absl::StrCat(MarketName(id), " was merged into ", survivor->name(),
                     " and still names it"));
  }
  v1::Market market = StoredMarketFields(request.market());
  market.set_name(MarketName(id));
  market.clear_merged_markets();
  if (auto st = ValidateMarket(market, current, id); !st.ok()) return st;
  Stamp(market, static_cast<const v1::Market*>(nullptr), now);
  Plan<v1::CreateMarketResponse> plan;
  plan.changes.upsert_markets.push_back(market);
  *plan.response.mutable_market() = market;
  return plan;
}

absl::StatusOr<Plan<v1::UpdateMarketResponse>> PlanUpdateMarket(
    const SnapshotData& current, const v1::UpdateMarketRequest& request,
    absl::Time now) {
  const auto id = ParseMarketName(request.market().name());
  if (!id) return FieldError("market.name", "must be markets/{market}");
  const v1::Market* stored =
      FindByName(current.markets, request.market().name());
  if (stored == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(request.market().name(), " not found"));
  }
  if (auto st = common::CheckEtag(request.market().etag(), stored->etag(),
                                  "market.etag");
      !st.ok()) {
    return st;
  }
  v1::Market updated = *stored;
  if (auto st = common::ApplyFieldMask(
          request.update_mask(), request.market(),
          {"display_name", "aliases", "kind", "country_code", "city",
           "operator", "domains"},
          updated);
      !st.ok()) {
    return st;
  }
  if (auto st = ValidateMarket(updated, current, *id); !st.ok()) return st;
  Stamp(updated, stored, now);
  Plan<v1::UpdateMarketResponse> plan;
  plan.changes.upsert_markets.push_back(updated);
  *plan.response.mutable_market() = updated;
  return plan;
}

absl::StatusOr<Plan<v1::DeleteMarketResponse>> PlanDeleteMarket(
    const SnapshotData& current, const v1::DeleteMarketRequest& request) {
  const auto id = ParseMarketName(request.name());
  if (!id) return FieldError("name", "must be markets/{market}");
  const v1::Market* stored = FindByName(current.markets, request.name());
  if (stored == nullptr) {
    return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  }
  if (auto st = common::CheckEtag(request.etag(), stored->etag(), "etag");
      !st.ok())
    return st;
  for (const v1::Listing& l : current.listings) {
    if (l.market() == request.name()) {
      return absl::FailedPreconditionError(absl::StrCat(
          request.name(), " is listed in ", l.name(),
          "; delete its listings or merge it into another market first"));
    }
  }
  Plan<v1::DeleteMarketResponse> plan;
  plan.changes.delete_markets.push_back(*id);
  return plan;
}

// ------------------------------------------------------------ operators

namespace {

absl::Status ValidateOperator(const v1::Operator& op) {
  if (auto st = CheckText(op.display_name(), "operator.display_name",
                          kMaxNameLength, true);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckNames(op.aliases(), "operator.aliases"); !st.ok())
    return st;
  return CheckCountryCode(op.country_code(), "operator.country_code");
}

}  // namespace

absl::StatusOr<Plan<v1::CreateOperatorResponse>> PlanCreateOperator(
    const SnapshotData& current, const v1::CreateOperatorRequest& request,
    absl::Time now) {
  std::string id = request.operator_id();
  if (id.empty()) {
    id = Slugify(request.operator_().display_name());
    std::set<std::string> taken;
    for (const auto& o : current.operators)
      taken.insert(*ParseOperatorName(o.name()));
    if (!id.empty()) id = UniqueId(id, taken);
  }
  if (!IsValidId(id)) {
    return FieldError("operator_id",
                      "must be 1-63 lower-case letters, digits and hyphens");
  }
  if (FindByName(current.operators, OperatorName(id)) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat(OperatorName(id), " already exists"));
  }
  v1::Operator op = request.operator_();
  op.set_name(OperatorName(id));
  if (auto st = ValidateOperator(op); !st.ok()) return st;
  Stamp(op, static_cast<const v1::Operator*>(nullptr), now);
  Plan<v1::CreateOperatorResponse> plan;
  plan.changes.upsert_operators.push_back(op);
  *plan.response.mutable_operator_() = op;
  return plan;
}

absl::StatusOr<Plan<v1::UpdateOperatorResponse>> PlanUpdateOperator(
    const SnapshotData& current, const v1::UpdateOperatorRequest& request,
    absl::Time now) {
  if (!ParseOperatorName(request.operator_().name())) {
    return FieldError("operator.name", "must be operators/{operator}");
  }
  const v1::Operator* stored =
      FindByName(current.operators, request.operator_().name());
  if (stored == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(request.operator_().name(), " not found"));
  }
  if (auto st = common::CheckEtag(request.operator_().etag(), stored->etag(),
                                  "operator.etag");
      !st.ok()) {
    return st;
  }
  v1::Operator updated = *stored;
  if (auto st = common::ApplyFieldMask(
          request.update_mask(), request.operator_(),
          {"display_name", "aliases", "country_code"}, updated);
      !st.ok()) {
    return st;
  }
  if (auto st = ValidateOperator(updated); !st.ok()) return st;
  Stamp(updated, stored, now);
  Plan<v1::UpdateOperatorResponse> plan;
  plan.changes.upsert_operators.push_back(updated);
  *plan.response.mutable_operator_() = updated;
  return plan;
}

absl::StatusOr<Plan<v1::DeleteOperatorResponse>> PlanDeleteOperator(
    const SnapshotData& current, const v1::DeleteOperatorRequest& request) {
  const auto id = ParseOperatorName(request.name());
  if (!id) return FieldError("name", "must be operators/{operator}");
  const v1::Operator* stored = FindByName(current.operators, request.name());
  if (stored == nullptr) {
    return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  }
  if (auto st = common::CheckEtag(request.etag(), stored->etag(), "etag");
      !st.ok())
    return st;
  for (const v1::Market& m : current.markets) {
    if (m.operator_() == request.name()) {
      return absl::FailedPreconditionError(absl::StrCat(
          request.name(), " runs ", m.name(), "; reassign it first"));
    }
  }
  Plan<v1::DeleteOperatorResponse> plan;
  plan.changes.delete_operators.push_back(*id);
  return plan;
}

// ------------------------------------------------------------ listings

namespace {

absl::Status ValidateListing(const v1::Listing& listing) {
  if (auto st = CheckInfringementTypes(listing.infringement_types(),
                                       "listing.infringement_types");
      !st.ok()) {
    return st;
  }
  if (auto st = CheckText(listing.summary(), "listing.summary",
                          kMaxSummaryLength, false);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckUrl(listing.source_url(), "listing.source_url", false);
      !st.ok()) {
    return st;
  }
  if (!v1::Confidence_IsValid(listing.confidence())) {
    return FieldError("listing.confidence", "is not a Confidence value");
  }
  if (listing.reported_first_year() != 0) {
    return CheckReviewYear(listing.reported_first_year(),
                           "listing.reported_first_year");
  }
  return absl::OkStatus();
}

v1::Listing StoredListingFields(const v1::Listing& l) {
  v1::Listing stored;
  stored.set_name(l.name());
  stored.set_market(l.market());
  *stored.mutable_infringement_types() = l.infringement_types();
  stored.set_summary(l.summary());
  stored.set_source_url(l.source_url());
  stored.set_reported_first_year(l.reported_first_year());
  stored.set_confidence(l.confidence());
  return stored;
}

}  // namespace

absl::StatusOr<Plan<v1::CreateListingResponse>> PlanCreateListing(
    const SnapshotData& current, const v1::CreateListingRequest& request,
    absl::Time now) {
  const auto year = ParseReviewName(request.parent());
  if (!year) return FieldError("parent", "must be reviews/{year}");
  if (FindReview(current, *year) == nullptr) {
    return absl::NotFoundError(absl::StrCat(request.parent(), " not found"));
  }
  const auto market_id = ParseMarketName(request.listing().market());
  if (!market_id)
    return FieldError("listing.market", "must be markets/{market}");
  if (FindByName(current.markets, request.listing().market()) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(request.listing().market(), " not found"));
  }
  v1::Listing listing = StoredListingFields(request.listing());
  listing.set_name(ListingName(*year, *market_id));
  if (FindByName(current.listings, listing.name()) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat(listing.name(), " already exists"));
  }
  if (auto st = ValidateListing(listing); !st.ok()) return st;
  Stamp(listing, static_cast<const v1::Listing*>(nullptr), now);
  Plan<v1::CreateListingResponse> plan;
  plan.changes.upsert_listings.push_back(listing);
  // A review that no longer matches its declared totals stops being
  // PUBLISHED.
  const v1::Review* review = FindReview(current, *year);
  auto settled =
      SettleState(current, plan.changes, *year, review->state(), false);
  if (!settled.ok()) return settled.status();
  *plan.response.mutable_listing() =
      *settled->after->FindListing(*year, *market_id);
  return plan;
}

absl::StatusOr<Plan<v1::UpdateListingResponse>> PlanUpdateListing(
    const SnapshotData& current, const v1::UpdateListingRequest& request,
    absl::Time now) {
  const auto key = ParseListingName(request.listing().name());
  if (!key) {
    return FieldError("listing.name",
                      "must be reviews/{year}/listings/{market}");
  }
  const v1::Listing* stored =
      FindByName(current.listings, request.listing().name());
  if (stored == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(request.listing().name(), " not found"));
  }
  if (auto st = common::CheckEtag(request.listing().etag(), stored->etag(),
                                  "listing.etag");
      !st.ok()) {
    return st;
  }
  v1::Listing updated = *stored;
  if (auto st =
          common::ApplyFieldMask(request.update_mask(), request.listing(),
                                 {"infringement_types", "summary", "source_url",
                                  "reported_first_year", "confidence"},
                                 updated);
      !st.ok()) {
    return st;
  }
  if (auto st = ValidateListing(updated); !st.ok()) return st;
  Stamp(updated, stored, now);
  Plan<v1::UpdateListingResponse> plan;
  plan.changes.upsert_listings.push_back(updated);
  *plan.response.mutable_listing() =
      *After(current, plan.changes)->FindListing(key->year, key->market_id);
  return plan;
}

absl::StatusOr<Plan<v1::DeleteListingResponse>> PlanDeleteListing(
    const SnapshotData& current, const v1::DeleteListingRequest& request) {
  const auto key = ParseListingName(request.name());
  if (!key)
    return FieldError("name", "must be reviews/{year}/listings/{market}");
  const v1::Listing* stored = FindByName(current.listings, request.name());
  if (stored == nullptr) {
    return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  }
  if (auto st = common::CheckEtag(request.etag(), stored->etag(), "etag");
      !st.ok())
    return st;
  Plan<v1::DeleteListingResponse> plan;
  plan.changes.delete_listings.push_back(request.name());
  const v1::Review* review = FindReview(current, key->year);
  if (auto settled =
          SettleState(current, plan.changes, key->year, review->state(), false);
      !settled.ok()) {
    return settled.status();
  }
  return plan;
}

}  // namespace nml::listings
