// PlanImportReview: a whole review imported, reconciled and settled.
#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "common/api/field_mask.h"
#include "common/api/status.h"
#include "common/api/strings.h"
#include "services/listings/country.h"
#include "services/listings/domain.h"
#include "services/listings/market_names.h"
#include "services/listings/plan_rules.h"
#include "services/listings/planner.h"
#include "services/listings/reconcile.h"

namespace nml::listings {

using common::FieldError;

// ------------------------------------------------------------ import

namespace {

// "listings[3].country: 'X' is not a known country" as a problem of row 3.
void AddProblem(v1::ImportReviewResponse& response, int row,
                std::string_view message) {
  v1::ImportProblem* problem = response.add_problems();
  problem->set_row(row);
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos) {
    problem->set_field(absl::StrCat("listings[", row, "]"));
    problem->set_description(std::string(message));
  } else {
    problem->set_field(std::string(message.substr(0, colon)));
    problem->set_description(std::string(message.substr(colon + 2)));
  }
}

}  // namespace

absl::Status ImportProblemsError(const v1::ImportReviewResponse& response) {
  // The details travel in a trailer, which clients cap (gRPC's default is
  // 8 KiB of metadata): at most 50 problems and about 4 KiB.
  constexpr int kMaxDetailed = 50;
  constexpr size_t kMaxDetailBytes = 4096;
  const auto& problems = response.problems();
  std::vector<std::pair<std::string, std::string>> violations;
  size_t bytes = 0;
  for (int i = 0; i < problems.size() && i < kMaxDetailed; ++i) {
    bytes += problems[i].field().size() + problems[i].description().size();
    if (bytes > kMaxDetailBytes) break;
    violations.emplace_back(problems[i].field(), problems[i].description());
  }
  std::string message =
      absl::StrCat(problems[0].field(), ": ", problems[0].description());
  if (problems.size() > 1) {
    absl::StrAppend(&message, " (and ", problems.size() - 1,
                    " more problems; validate_only lists them all)");
  }
  return common::FieldViolationsError(message, violations);
}

absl::StatusOr<Plan<v1::ImportReviewResponse>> PlanImportReview(
    const SnapshotData& current, const v1::ImportReviewRequest& request,
    absl::Time now) {
  const v1::Review& in = request.review();
  int year = in.year();
  if (!in.name().empty()) {
    const auto parsed = ParseReviewName(in.name());
    if (!parsed) return FieldError("review.name", "must be reviews/{year}");
    if (year != 0 && year != *parsed) {
      return FieldError("review.year", "does not match review.name");
    }
    year = *parsed;
  }
  if (auto st = CheckReviewYear(year, "review.year"); !st.ok()) return st;

  Plan<v1::ImportReviewResponse> plan;
  ChangeSet& changes = plan.changes;
  changes.is_import = true;
  auto& response = plan.response;
  // A problem of the review's own fields is reported like a row's (row -1),
  // and every row is still checked: one answer lists every problem.
  if (auto st = ValidateReviewFields(in, "review"); !st.ok()) {
    AddProblem(response, -1, common::Std(st.message()));
  }
  // The markets as the import goes (rows may update one more than once).
  std::vector<v1::Market> markets = current.markets;

  // Latest year each market is listed in other reviews: the newest source
  // decides the display name.
  std::map<std::string, int> latest_other_year;
  for (const v1::Listing& l : current.listings) {
    const auto key = *ParseListingName(l.name());
    if (key.year != year) {
      latest_other_year[key.market_id] =
          std::max(latest_other_year[key.market_id], key.year);
    }
  }

  std::set<std::string> market_ids = TakenMarketIds(current);
  std::map<std::string, int> row_of_market;
  std::map<std::string, std::string> new_domains;  // pattern -> market id
  std::set<std::string> touched_markets;

  // Everything a row looks up is indexed once, so the plan costs time
  // linear in the rows and the data.
  const Reconciler reconciler(current);
  OperatorResolver operators(current.operators, changes);
  std::unordered_map<std::string, size_t> market_at;  // name -> index
  for (size_t i = 0; i < markets.size(); ++i) {
    market_at.emplace(markets[i].name(), i);
  }
  std::unordered_map<std::string, const v1::Listing*> listing_named;
  for (const v1::Listing& l : current.listings) listing_named[l.name()] = &l;

  // A row's problem is recorded and the next row checked, so one answer
  // reports every problem; an import with any writes nothing.
  const auto plan_row = [&](int i) -> absl::Status {
    const v1::ImportedListing& row = request.listings(i);
    const std::string field = absl::StrCat("listings[", i, "]");
    std::string country;
    if (auto st = ValidateImportedRow(row, field, &country); !st.ok())
      return st;

    Match match;
    if (!row.market().empty()) {
      const std::string id = *ParseMarketName(row.market());
      if (!market_at.contains(row.market())) {
        return FieldError(field + ".market",
                          absl::StrCat(row.market(), " does not exist"));
      }
      match = {v1::RECONCILIATION_RULE_EXPLICIT, id, row.market()};
    } else {
      auto found = reconciler.Find(row, field);
      if (!found.ok()) return found.status();
      match = *found;
    }

    v1::Market market;
    const v1::Market* existing = nullptr;
    if (match.rule == v1::RECONCILIATION_RULE_NEW_MARKET) {
      const std::string base = Slugify(row.market_display_name());
      match.market_id = UniqueId(base, market_ids);
      market_ids.insert(match.market_id);
      market.set_name(MarketName(match.market_id));
      market.set_display_name(
          std::string(absl::StripAsciiWhitespace(row.market_display_name())));
      market.set_kind(row.kind());
      response.set_markets_created(response.markets_created() + 1);
    } else {
      existing = &markets[market_at.at(MarketName(match.market_id))];
      market = *existing;
      if (market.kind() != row.kind()) {
        return FieldError(field + ".kind",
                          absl::StrCat("is ", v1::MarketKind_Name(row.kind()),
                                       " but ", market.name(), " is ",
                                       v1::MarketKind_Name(market.kind())));
      }
    }
    if (const auto [it, inserted] = row_of_market.emplace(match.market_id, i);
        !inserted) {
      return FieldError(
          field + ".market_display_name",
          absl::StrCat("'", row.market_display_name(), "' reconciles to ",
                       MarketName(match.market_id), ", as listings[",
                       it->second, "] does"));
    }

    v1::Reconciliation* rec = response.add_reconciliations();
    rec->set_row(i);
    rec->set_imported_name(row.market_display_name());
    rec->set_market(MarketName(match.market_id));
    rec->set_market_display_name(existing ? existing->display_name()
                                          : market.display_name());
    rec->set_rule(match.rule);
    rec->set_detail(match.detail);

    // The newest source's spelling becomes the display name; older
    // spellings stay as aliases.
    const bool newest =
        existing == nullptr || year >= latest_other_year[match.market_id];
    const std::string imported_name(
        absl::StripAsciiWhitespace(row.market_display_name()));
    if (existing != nullptr && market.display_name() != imported_name) {
      if (newest) {
        const std::string old_name = market.display_name();
        market.set_display_name(imported_name);
        // Drop the new display name from aliases, keep the old one.
        auto* aliases = market.mutable_aliases();
        aliases->erase(std::remove_if(aliases->begin(), aliases->end(),
                                      [&](const std::string& a) {
                                        return LowerTrim(a) ==
                                               LowerTrim(imported_name);
                                      }),
                       aliases->end());
        AddAlias(market, old_name);
      } else {
        AddAlias(market, imported_name);
      }
    }
    for (const auto& alias : row.aliases()) AddAlias(market, alias);
    if (!country.empty() && (market.country_code().empty() || newest)) {
      market.set_country_code(country);
    }
    if (!row.city().empty() && (market.city().empty() || newest)) {
      market.set_city(row.city());
    }
    if (!row.operator_display_name().empty() &&
        (market.operator_().empty() || newest)) {
      int created = 0;
      market.set_operator_(operators.Resolve(row.operator_display_name(),
                                             country, now, created));
      response.set_operators_created(response.operators_created() + created);
    }
    for (const v1::DomainRule& rule : row.domains()) {
      const std::string owner = reconciler.DomainOwner(rule.pattern());
      if (!owner.empty() && owner != match.market_id) {
        return FieldError(field + ".domains",
                          absl::StrCat("'", rule.pattern(), "' belongs to ",
                                       MarketName(owner), ", not ",
                                       MarketName(match.market_id)));
      }
      if (const auto [it, inserted] =
              new_domains.emplace(rule.pattern(), match.market_id);
          !inserted && it->second != match.market_id) {
        return FieldError(field + ".domains",
                          absl::StrCat("'", rule.pattern(),
                                       "' is also given for another row"));
      }
      const bool held =
          std::any_of(market.domains().begin(), market.domains().end(),
                      [&](const v1::DomainRule& d) {
                        return d.pattern() == rule.pattern();
                      });
      if (!held) *market.add_domains() = rule;
    }

    const bool changed =
        existing == nullptr ||
        !google::protobuf::util::MessageDifferencer::Equals(market, *existing);
    if (changed) {
      Stamp(market, existing, now);
      if (existing != nullptr &&
          touched_markets.insert(match.market_id).second) {
        response.set_markets_updated(response.markets_updated() + 1);
      }
      if (existing == nullptr) {
        market_at.emplace(market.name(), markets.size());
        markets.push_back(market);
      } else {
        markets[market_at.at(market.name())] = market;
      }
      changes.upsert_markets.push_back(market);
    }

    // The listing.
    const std::string listing_name = ListingName(year, match.market_id);
    const auto old = listing_named.find(listing_name);
    const v1::Listing* old_listing =
        old == listing_named.end() ? nullptr : old->second;
    v1::Listing listing;
    listing.set_name(listing_name);
    listing.set_market(MarketName(match.market_id));
    *listing.mutable_infringement_types() = row.infringement_types();
    listing.set_summary(row.summary());
    listing.set_source_url(row.source_url());
    listing.set_reported_first_year(row.reported_first_year());
    listing.set_confidence(row.confidence());
    bool listing_changed = old_listing == nullptr;
    if (old_listing != nullptr) {
      v1::Listing comparable = *old_listing;
      comparable.clear_etag();
      comparable.clear_create_time();
      comparable.clear_update_time();
      listing_changed = !google::protobuf::util::MessageDifferencer::Equals(
          listing, comparable);
    }
    if (listing_changed) {
      Stamp(listing, old_listing, now);
      changes.upsert_listings.push_back(listing);
      response.set_listings_written(response.listings_written() + 1);
    }
    return absl::OkStatus();
  };
  for (int i = 0; i < request.listings_size(); ++i) {
    if (auto st = plan_row(i); !st.ok()) {
      if (st.code() != absl::StatusCode::kInvalidArgument &&
          st.code() != absl::StatusCode::kFailedPrecondition) {
        return st;
      }
      AddProblem(response, i, common::Std(st.message()));
    }
  }
  if (response.problems_size() > 0) {
    // Nothing of a refused import is written, nor worth reporting.
    changes = ChangeSet();
    response.clear_reconciliations();
    return plan;
  }
  // Markets merged repeatedly in the loop are written once, last version.
  std::map<std::string, v1::Market> last_version;
  for (const auto& m : changes.upsert_markets) last_version[m.name()] = m;
  changes.upsert_markets.clear();
  for (auto& [name, m] : last_version) changes.upsert_markets.push_back(m);

  // Listings of this review that the import no longer names.
  const std::string prefix = absl::StrCat(ReviewName(year), "/listings/");
  for (const v1::Listing& l : current.listings) {
    if (absl::StartsWith(l.name(), prefix) &&
        !row_of_market.contains(*ParseMarketName(l.market()))) {
      changes.delete_listings.push_back(l.name());
      response.set_listings_removed(response.listings_removed() + 1);
    }
  }

  // The review itself.
  const v1::Review* old_review = FindReview(current, year);
  v1::Review review = StoredReviewFields(in);
  review.set_name(ReviewName(year));
  review.set_year(year);
  const v1::ReviewState wanted =
      in.state() != v1::REVIEW_STATE_UNSPECIFIED
          ? in.state()
          : (old_review ? old_review->state() : v1::REVIEW_STATE_DRAFT);
  review.set_state(old_review ? old_review->state() : v1::REVIEW_STATE_DRAFT);
  bool review_changed = old_review == nullptr;
  if (old_review != nullptr) {
    v1::Review comparable = StoredReviewFields(*old_review);
    review_changed =
        !google::protobuf::util::MessageDifferencer::Equals(review, comparable);
  }
  if (review_changed) {
    Stamp(review, old_review, now);
    changes.upsert_reviews.push_back(review);
  }
  auto settled = SettleState(current, changes, year, wanted, false);
  if (!settled.ok()) return settled.status();
  *response.mutable_review() = std::move(settled->review);
  response.set_publication_blocker(settled->blocker);
  return plan;
}

}  // namespace nml::listings
