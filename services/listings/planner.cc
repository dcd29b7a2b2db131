#include "services/listings/planner.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/field_mask.h"
#include "common/status.h"
#include "common/strings.h"
#include "common/validation.h"
#include "services/listings/country.h"
#include "services/listings/domain.h"
#include "services/listings/market_names.h"
#include "services/listings/queries.h"
#include "services/listings/snapshot.h"

namespace nml::listings {

using common::Absl;
using common::FieldError;
using common::Std;
using google::protobuf::util::TimeUtil;

namespace {

constexpr int kMaxImportRows = 5000;
constexpr size_t kMaxNameLength = 200;
constexpr size_t kMaxSummaryLength = 4000;
constexpr int kMaxAliases = 50;
constexpr int kMaxDomains = 100;

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

// etag = the row's revision number.
int64_t Revision(const std::string& etag) {
  int64_t revision = 0;
  for (const char c : etag) {
    if (!absl::ascii_isdigit(c)) return 0;
    revision = revision * 10 + (c - '0');
  }
  return revision;
}

template <typename T>
void Stamp(T& resource, const T* existing, absl::Time now) {
  resource.set_etag(
      absl::StrCat(existing ? Revision(existing->etag()) + 1 : 1));
  *resource.mutable_create_time() =
      existing ? existing->create_time() : ToProto(now);
  *resource.mutable_update_time() = ToProto(now);
}

using common::CheckDate;
using common::CheckReviewYear;
using common::CheckText;
using common::CheckUrl;

absl::Status CheckCountryCode(const std::string& code, std::string_view field) {
  if (code.empty()) return absl::OkStatus();
  if (auto st = common::CheckCountryCodeFormat(code, field); !st.ok())
    return st;
  if (CountryCode(code) != code) {
    return FieldError(field, "must be an ISO 3166-1 alpha-2 code such as CN");
  }
  return absl::OkStatus();
}

absl::Status CheckNames(
    const google::protobuf::RepeatedPtrField<std::string>& names,
    std::string_view field) {
  if (names.size() > kMaxAliases) {
    return FieldError(field, absl::StrCat("at most ", kMaxAliases));
  }
  for (int i = 0; i < names.size(); ++i) {
    if (auto st =
            CheckText(names[i], absl::StrCat(std::string(field), "[", i, "]"),
                      kMaxNameLength, true);
        !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDomains(
    const google::protobuf::RepeatedPtrField<v1::DomainRule>& rules,
    std::string_view field) {
  if (rules.size() > kMaxDomains) {
    return FieldError(field, absl::StrCat("at most ", kMaxDomains));
  }
  std::set<std::string> seen;
  for (int i = 0; i < rules.size(); ++i) {
    const std::string path = absl::StrCat(std::string(field), "[", i, "]");
    if (auto st = ValidateDomainPattern(rules[i].pattern()); !st.ok()) {
      return FieldError(path + ".pattern", Std(st.message()));
    }
    if (!v1::MatchScope_IsValid(rules[i].scope()) ||
        rules[i].scope() == v1::MATCH_SCOPE_UNSPECIFIED) {
      return FieldError(path + ".scope", "is required");
    }
    if (rules[i].scope() == v1::MATCH_SCOPE_REGISTRABLE_DOMAIN &&
        RegistrableDomain(rules[i].pattern()) != rules[i].pattern()) {
      return FieldError(
          path + ".pattern",
          "is not a registrable domain (REGISTRABLE_DOMAIN scope)");
    }
    if (!seen.insert(rules[i].pattern()).second) {
      return FieldError(path + ".pattern", "is listed twice");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckInfringementTypes(
    const google::protobuf::RepeatedField<int>& types, std::string_view field) {
  std::set<int> seen;
  for (int i = 0; i < types.size(); ++i) {
    if (!v1::InfringementType_IsValid(types[i]) ||
        types[i] == v1::INFRINGEMENT_TYPE_UNSPECIFIED) {
      return FieldError(absl::StrCat(std::string(field), "[", i, "]"),
                        "must be COUNTERFEITING or PIRACY");
    }
    if (!seen.insert(types[i]).second) {
      return FieldError(absl::StrCat(std::string(field), "[", i, "]"),
                        "is listed twice");
    }
  }
  return absl::OkStatus();
}

// Who holds a domain pattern now: market id, or "".
std::string DomainOwner(const SnapshotData& data, const std::string& pattern) {
  for (const v1::Market& m : data.markets) {
    for (const v1::DomainRule& rule : m.domains()) {
      if (rule.pattern() == pattern) return *ParseMarketName(m.name());
    }
  }
  return "";
}

template <typename T>
const T* FindByName(const std::vector<T>& items, const std::string& name) {
  for (const T& item : items) {
    if (item.name() == name) return &item;
  }
  return nullptr;
}

const v1::Review* FindReview(const SnapshotData& data, int year) {
  for (const v1::Review& r : data.reviews) {
    if (r.year() == year) return &r;
  }
  return nullptr;
}

std::string UniqueId(const std::string& base,
                     const std::set<std::string>& taken) {
  if (!taken.contains(base)) return base;
  for (int n = 2;; ++n) {
    const std::string suffix = absl::StrCat("-", n);
    const std::string id = base.substr(0, 63 - suffix.size()) + suffix;
    if (!taken.contains(id)) return id;
  }
}

// The post-write view, for answers with their output-only fields.
std::shared_ptr<const Snapshot> After(const SnapshotData& current,
                                      const ChangeSet& changes) {
  SnapshotData data = current;
  ApplyChanges(changes, data);
  return Snapshot::Build(std::move(data), absl::Now());
}

std::string LowerTrim(std::string_view text) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(Absl(text)));
}

void AddAlias(v1::Market& market, const std::string& alias) {
  const std::string lower = LowerTrim(alias);
  if (lower.empty() || LowerTrim(market.display_name()) == lower) return;
  for (const auto& a : market.aliases()) {
    if (LowerTrim(a) == lower) return;
  }
  market.add_aliases(std::string(absl::StripAsciiWhitespace(alias)));
}

// ------------------------------------------------------------ reconciliation

struct Match {
  v1::ReconciliationRule rule = v1::RECONCILIATION_RULE_UNSPECIFIED;
  std::string market_id;
  std::string detail;
};

// Finds the market an imported row names, by the first rule that matches
// anything. More than one market at that rule is ambiguous.
absl::StatusOr<Match> Reconcile(const SnapshotData& data,
                                const v1::ImportedListing& row,
                                const std::string& field) {
  const std::string name = row.market_display_name();
  const std::string lower = LowerTrim(name);
  const std::string normalized = NormalizeName(name);
  const NameParts parts = SplitName(name);

  using Candidates = std::map<std::string, std::string>;  // id -> detail
  auto at_rule = [&](auto&& match) {
    Candidates found;
    for (const v1::Market& m : data.markets) {
      std::vector<std::string> names{m.display_name()};
      names.insert(names.end(), m.aliases().begin(), m.aliases().end());
      for (size_t i = 0; i < names.size(); ++i) {
        if (match(names[i], i == 0)) {
          found.emplace(*ParseMarketName(m.name()), names[i]);
          break;
        }
      }
    }
    return found;
  };
  const std::vector<std::pair<v1::ReconciliationRule, Candidates>> levels = {
      {v1::RECONCILIATION_RULE_EXACT_NAME,
       at_rule([&](const std::string& n, bool is_display) {
         return is_display && LowerTrim(n) == lower;
       })},
      {v1::RECONCILIATION_RULE_ALIAS,
       at_rule([&](const std::string& n, bool is_display) {
         return !is_display && LowerTrim(n) == lower;
       })},
      {v1::RECONCILIATION_RULE_NORMALISED_NAME,
       at_rule([&](const std::string& n, bool) {
         return !normalized.empty() && NormalizeName(n) == normalized;
       })},
      {v1::RECONCILIATION_RULE_PARENTHETICAL_QUALIFIER,
       at_rule([&](const std::string& n, bool) {
         const NameParts other = SplitName(n);
         if (parts.inner.empty() && other.inner.empty()) return false;
         if (!parts.base.empty() && parts.base == other.base) return true;
         const std::string other_whole = NormalizeName(n);
         for (const auto& inner : parts.inner) {
           if (!inner.empty() && inner == other_whole) return true;
         }
         for (const auto& inner : other.inner) {
           if (!inner.empty() && inner == normalized) return true;
         }
         return false;
       })},
  };
  for (const auto& [rule, found] : levels) {
    if (found.empty()) continue;
    if (found.size() > 1) {
      std::vector<std::string> names;
      for (const auto& [id, via] : found) {
        names.push_back(absl::StrCat(MarketName(id), " ('", via, "')"));
      }
      return FieldError(field + ".market_display_name",
                        absl::StrCat("'", name, "' is ambiguous: it matches ",
                                     absl::StrJoin(names, " and "), "; set ",
                                     field, ".market to choose"));
    }
    return Match{rule, found.begin()->first, found.begin()->second};
  }
  Candidates by_domain;
  for (const v1::DomainRule& rule : row.domains()) {
    const std::string owner = DomainOwner(data, rule.pattern());
    if (!owner.empty()) by_domain.emplace(owner, rule.pattern());
  }
  if (by_domain.size() > 1) {
    return FieldError(
        field + ".domains",
        absl::StrCat("'", name,
                     "' shares domains with more than one market; "
                     "set ",
                     field, ".market to choose"));
  }
  if (by_domain.size() == 1) {
    return Match{v1::RECONCILIATION_RULE_SHARED_DOMAIN,
                 by_domain.begin()->first, by_domain.begin()->second};
  }
  return Match{v1::RECONCILIATION_RULE_NEW_MARKET, "", ""};
}

// Finds or creates the operator a row names, in `data` and `changes`.
std::string ResolveOperator(SnapshotData& data, ChangeSet& changes,
                            const std::string& display_name,
                            const std::string& country, absl::Time now,
                            int& created) {
  const std::string lower = LowerTrim(display_name);
  const std::string normalized = NormalizeName(display_name);
  for (const v1::Operator& o : data.operators) {
    if (LowerTrim(o.display_name()) == lower ||
        NormalizeName(o.display_name()) == normalized) {
      return o.name();
    }
    for (const auto& alias : o.aliases()) {
      if (LowerTrim(alias) == lower || NormalizeName(alias) == normalized) {
        return o.name();
      }
    }
  }
  std::set<std::string> taken;
  for (const v1::Operator& o : data.operators) {
    taken.insert(*ParseOperatorName(o.name()));
  }
  v1::Operator op;
  op.set_name(OperatorName(UniqueId(Slugify(display_name), taken)));
  op.set_display_name(std::string(absl::StripAsciiWhitespace(display_name)));
  op.set_country_code(country);
  Stamp(op, static_cast<const v1::Operator*>(nullptr), now);
  data.operators.push_back(op);
  changes.upsert_operators.push_back(op);
  ++created;
  return op.name();
}

absl::Status ValidateImportedRow(const v1::ImportedListing& row,
                                 const std::string& field,
                                 std::string* country_code) {
  if (auto st = CheckText(row.market_display_name(),
                          field + ".market_display_name", kMaxNameLength, true);
      !st.ok()) {
    return st;
  }
  if (NormalizeName(row.market_display_name()).empty()) {
    return FieldError(field + ".market_display_name",
                      "must contain letters or digits");
  }
  if (!row.market().empty() && !ParseMarketName(row.market())) {
    return FieldError(field + ".market", "must be markets/{market}");
  }
  if (auto st = CheckNames(row.aliases(), field + ".aliases"); !st.ok())
    return st;
  if (row.kind() != v1::MARKET_KIND_ONLINE &&
      row.kind() != v1::MARKET_KIND_PHYSICAL) {
    return FieldError(field + ".kind", "must be ONLINE or PHYSICAL");
  }
  if (!row.country().empty()) {
    const auto code = CountryCode(row.country());
    if (!code) {
      return FieldError(
          field + ".country",
          absl::StrCat("'", row.country(), "' is not a known country"));
    }
    *country_code = *code;
  }
  if (auto st = CheckText(row.city(), field + ".city", kMaxNameLength, false);
      !st.ok()) {
    return st;
  }
  if (auto st =
          CheckText(row.operator_display_name(),
                    field + ".operator_display_name", kMaxNameLength, false);
      !st.ok()) {
    return st;
  }
  if (auto st = CheckInfringementTypes(row.infringement_types(),
                                       field + ".infringement_types");
      !st.ok()) {
    return st;
  }
  if (row.reported_first_year() != 0) {
    if (auto st = CheckReviewYear(row.reported_first_year(),
                                  field + ".reported_first_year");
        !st.ok()) {
      return st;
    }
  }
  if (auto st = CheckDomains(row.domains(), field + ".domains"); !st.ok())
    return st;
  if (auto st = CheckText(row.summary(), field + ".summary", kMaxSummaryLength,
                          false);
      !st.ok()) {
    return st;
  }
  return CheckUrl(row.source_url(), field + ".source_url", true);
}

absl::Status ValidateReviewFields(const v1::Review& review,
                                  const std::string& field) {
  if (auto st = CheckText(review.title(), field + ".title", 500, false);
      !st.ok()) {
    return st;
  }
  if (review.has_published_on()) {
    if (auto st = CheckDate(review.published_on(), field + ".published_on");
        !st.ok()) {
      return st;
    }
    if (review.published_on().day() == 0) {
      return FieldError(field + ".published_on", "must be a full date");
    }
  }
  if (review.declared_online_count() < 0) {
    return FieldError(field + ".declared_online_count", "must be >= 0");
  }
  if (review.declared_physical_count() < 0) {
    return FieldError(field + ".declared_physical_count", "must be >= 0");
  }
  if (!v1::ReviewState_IsValid(review.state())) {
    return FieldError(field + ".state", "is not a review state");
  }
  if (auto st = CheckUrl(review.source_url(), field + ".source_url", false);
      !st.ok()) {
    return st;
  }
  return CheckText(review.comment_docket_id(), field + ".comment_docket_id",
                   100, false);
}

std::string PublicationBlocker(const v1::Review& review) {
  if (review.declared_online_count() == 0 ||
      review.declared_physical_count() == 0) {
    return "declared totals unknown: set declared_online_count and "
           "declared_physical_count";
  }
  std::vector<std::string> parts;
  auto describe = [&](const char* kind, int recorded, int declared) {
    if (recorded < declared) {
      parts.push_back(absl::StrCat(declared - recorded, " ", kind,
                                   " listings missing (", recorded, " of ",
                                   declared, ")"));
    } else if (recorded > declared) {
      parts.push_back(absl::StrCat(recorded - declared, " ", kind,
                                   " listings more than declared (", recorded,
                                   " of ", declared, ")"));
    }
  };
  describe("online", review.online_count(), review.declared_online_count());
  describe("physical", review.physical_count(),
           review.declared_physical_count());
  return absl::StrJoin(parts, "; ");
}

// Final state of a review after its listings changed: PUBLISHED only when
// asked for and complete.
absl::Status SettleState(const SnapshotData& current, ChangeSet& changes,
                         int year, v1::ReviewState wanted, bool refuse,
                         std::string* blocker) {
  auto after = After(current, changes);
  const v1::Review* review = after->FindReview(year);
  if (review == nullptr) return absl::OkStatus();
  const bool publish = wanted == v1::REVIEW_STATE_PUBLISHED;
  *blocker = review->complete() ? "" : PublicationBlocker(*review);
  if (publish && !review->complete() && refuse) {
    return absl::FailedPreconditionError(
        absl::StrCat("review.state: ", ReviewName(year),
                     " cannot be PUBLISHED: ", *blocker));
  }
  const v1::ReviewState state = publish && review->complete()
                                    ? v1::REVIEW_STATE_PUBLISHED
                                    : v1::REVIEW_STATE_DRAFT;
  for (v1::Review& r : changes.upsert_reviews) {
    if (r.year() == year) {
      r.set_state(state);
      return absl::OkStatus();
    }
  }
  if (review->state() != state) {
    const v1::Review* stored = FindReview(current, year);
    v1::Review updated = *stored;
    updated.set_state(state);
    Stamp(updated, stored, absl::Now());
    changes.upsert_reviews.push_back(updated);
  }
  return absl::OkStatus();
}

v1::Review StoredReviewFields(const v1::Review& review) {
  v1::Review stored;
  stored.set_name(review.name());
  stored.set_year(review.year());
  stored.set_title(review.title());
  if (review.has_published_on())
    *stored.mutable_published_on() = review.published_on();
  stored.set_declared_online_count(review.declared_online_count());
  stored.set_declared_physical_count(review.declared_physical_count());
  stored.set_state(review.state());
  stored.set_source_url(review.source_url());
  stored.set_comment_docket_id(review.comment_docket_id());
  return stored;
}

}  // namespace

// ------------------------------------------------------------ import

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
  if (auto st = ValidateReviewFields(in, "review"); !st.ok()) return st;
  if (request.listings_size() > kMaxImportRows) {
    return FieldError("listings",
                      absl::StrCat("at most ", kMaxImportRows, " rows"));
  }

  Plan<v1::ImportReviewResponse> plan;
  ChangeSet& changes = plan.changes;
  changes.is_import = true;
  auto& response = plan.response;
  SnapshotData work = current;  // markets and operators as the import goes

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

  std::set<std::string> market_ids;
  for (const v1::Market& m : current.markets) {
    market_ids.insert(*ParseMarketName(m.name()));
  }
  std::map<std::string, int> row_of_market;
  std::map<std::string, std::string> new_domains;  // pattern -> market id
  std::set<std::string> touched_markets;

  for (int i = 0; i < request.listings_size(); ++i) {
    const v1::ImportedListing& row = request.listings(i);
    const std::string field = absl::StrCat("listings[", i, "]");
    std::string country;
    if (auto st = ValidateImportedRow(row, field, &country); !st.ok())
      return st;

    Match match;
    if (!row.market().empty()) {
      const std::string id = *ParseMarketName(row.market());
      if (FindByName(work.markets, row.market()) == nullptr) {
        return FieldError(field + ".market",
                          absl::StrCat(row.market(), " does not exist"));
      }
      match = {v1::RECONCILIATION_RULE_EXPLICIT, id, row.market()};
    } else {
      auto found = Reconcile(current, row, field);
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
      existing = FindByName(work.markets, MarketName(match.market_id));
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
      market.set_operator_(ResolveOperator(
          work, changes, row.operator_display_name(), country, now, created));
      response.set_operators_created(response.operators_created() + created);
    }
    for (const v1::DomainRule& rule : row.domains()) {
      const std::string owner = DomainOwner(current, rule.pattern());
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
      for (v1::Market& m : work.markets) {
        if (m.name() == market.name()) m = market;
      }
      if (existing == nullptr) work.markets.push_back(market);
      changes.upsert_markets.push_back(market);
    }

    // The listing.
    const std::string listing_name = ListingName(year, match.market_id);
    const v1::Listing* old_listing = FindByName(current.listings, listing_name);
    v1::Listing listing;
    listing.set_name(listing_name);
    listing.set_market(MarketName(match.market_id));
    *listing.mutable_infringement_types() = row.infringement_types();
    listing.set_summary(row.summary());
    listing.set_source_url(row.source_url());
    listing.set_reported_first_year(row.reported_first_year());
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
  std::string blocker;
  if (auto st = SettleState(current, changes, year, wanted, false, &blocker);
      !st.ok()) {
    return st;
  }
  auto after = After(current, changes);
  *response.mutable_review() = *after->FindReview(year);
  response.set_publication_blocker(blocker);
  return plan;
}

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
  std::string blocker;
  if (auto st = SettleState(current, plan.changes, review.year(),
                            request.review().state(), true, &blocker);
      !st.ok()) {
    return st;
  }
  *plan.response.mutable_review() =
      *After(current, plan.changes)->FindReview(review.year());
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
           "comment_docket_id"},
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
  std::string blocker;
  if (auto st =
          SettleState(current, plan.changes, *year, wanted, true, &blocker);
      !st.ok()) {
    return st;
  }
  *plan.response.mutable_review() =
      *After(current, plan.changes)->FindReview(*year);
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
    std::set<std::string> taken;
    for (const auto& m : current.markets)
      taken.insert(*ParseMarketName(m.name()));
    if (!id.empty()) id = UniqueId(id, taken);
  }
  if (!IsValidId(id)) {
    return FieldError("market_id",
                      "must be 1-63 lower-case letters, digits and hyphens");
  }
  if (FindByName(current.markets, MarketName(id)) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat(MarketName(id), " already exists"));
  }
  v1::Market market = StoredMarketFields(request.market());
  market.set_name(MarketName(id));
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
  std::string blocker;
  const v1::Review* review = FindReview(current, *year);
  if (auto st = SettleState(current, plan.changes, *year, review->state(),
                            false, &blocker);
      !st.ok()) {
    return st;
  }
  *plan.response.mutable_listing() =
      *After(current, plan.changes)->FindListing(*year, *market_id);
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
  if (auto st = common::ApplyFieldMask(request.update_mask(), request.listing(),
                                       {"infringement_types", "summary",
                                        "source_url", "reported_first_year"},
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
  std::string blocker;
  const v1::Review* review = FindReview(current, key->year);
  if (auto st = SettleState(current, plan.changes, key->year, review->state(),
                            false, &blocker);
      !st.ok()) {
    return st;
  }
  return plan;
}

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
  auto created = PlanCreateMarket(current, create, now);
  if (!created.ok()) {
    return absl::Status(created.status().code(),
                        absl::StrCat("new_", created.status().message()));
  }
  Plan<v1::SplitMarketResponse> plan;
  plan.changes = created->changes;
  v1::Market fresh = created->response.market();
  const std::string new_id = *ParseMarketName(fresh.name());
  // The new market's name stops being an alias of the old one.
  v1::Market remaining = *source;
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
