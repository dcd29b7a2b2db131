#include "services/listings/reconcile.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include <map>
#include <set>

#include "common/status.h"
#include "services/listings/country.h"
#include "services/listings/domain.h"
#include "services/listings/market_names.h"
#include "services/listings/plan_rules.h"

namespace nml::listings {

using common::FieldError;

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

}  // namespace nml::listings
