#include "services/listings/reconcile.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include <map>
#include <set>

#include "common/api/status.h"
#include "common/api/strings.h"
#include "services/listings/country.h"
#include "services/listings/domain.h"
#include "services/listings/market_names.h"
#include "services/listings/plan_rules.h"

namespace nml::listings {

using common::FieldError;

Reconciler::Reconciler(const SnapshotData& data) {
  for (const v1::Market& m : data.markets) {
    const std::string id = *ParseMarketName(m.name());
    std::vector<std::string> names{m.display_name()};
    names.insert(names.end(), m.aliases().begin(), m.aliases().end());
    for (size_t i = 0; i < names.size(); ++i) {
      const Entry entry{id, i, names[i]};
      (i == 0 ? display_ : alias_)[LowerTrim(names[i])].push_back(entry);
      normalized_[NormalizeName(names[i])].push_back(entry);
      const NameParts parts = SplitName(names[i]);
      if (!parts.base.empty()) {
        base_[parts.base].push_back(entry);
        if (!parts.inner.empty()) qualified_[parts.base].push_back(entry);
      }
      for (const std::string& inner : parts.inner) {
        if (!inner.empty()) qualifiers_[inner].push_back(entry);
      }
    }
    for (const v1::DomainRule& rule : m.domains()) {
      domain_owner_.emplace(rule.pattern(), id);
    }
    for (const std::string& n : names) {
      if (const std::string host = NameAsHost(n); !host.empty()) {
        host_named_[host].insert(id);
      }
    }
  }
}

std::string NameAsHost(std::string_view name) {
  std::string host =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(common::Absl(name)));
  if (absl::StartsWith(host, "www.")) host.erase(0, 4);
  // A host has a dot and a top-level label of letters: "rarbg.to", not
  // "1337x" or "Amazon's foreign domains".
  const size_t dot = host.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 2 > host.size()) return "";
  for (size_t i = dot + 1; i < host.size(); ++i) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(host[i]))) return "";
  }
  if (!ValidateDomainPattern(host).ok()) return "";
  return host;
}

void Reconciler::Collect(const Index& index, const std::string& key,
                         Candidates& found) {
  const auto it = index.find(key);
  if (it == index.end()) return;
  for (const Entry& entry : it->second) {
    const auto [at, added] = found.emplace(entry.market_id, entry);
    if (!added && entry.position < at->second.position) at->second = entry;
  }
}

std::string Reconciler::DomainOwner(const std::string& pattern) const {
  const auto it = domain_owner_.find(pattern);
  return it == domain_owner_.end() ? "" : it->second;
}

absl::StatusOr<Match> Reconciler::Find(const v1::ImportedListing& row,
                                       const std::string& field) const {
  const std::string name = row.market_display_name();
  const std::string lower = LowerTrim(name);
  const std::string normalized = NormalizeName(name);
  const NameParts parts = SplitName(name);

  std::vector<std::pair<v1::ReconciliationRule, Candidates>> levels(4);
  levels[0].first = v1::RECONCILIATION_RULE_EXACT_NAME;
  Collect(display_, lower, levels[0].second);
  levels[1].first = v1::RECONCILIATION_RULE_ALIAS;
  Collect(alias_, lower, levels[1].second);
  levels[2].first = v1::RECONCILIATION_RULE_NORMALISED_NAME;
  if (!normalized.empty()) Collect(normalized_, normalized, levels[2].second);
  // A qualifier set aside: the same base with a qualifier on either side,
  // or one side's qualifier is the other's whole name.
  levels[3].first = v1::RECONCILIATION_RULE_PARENTHETICAL_QUALIFIER;
  Candidates& qualified = levels[3].second;
  if (!parts.base.empty()) {
    Collect(parts.inner.empty() ? qualified_ : base_, parts.base, qualified);
  }
  for (const std::string& inner : parts.inner) {
    if (!inner.empty()) Collect(normalized_, inner, qualified);
  }
  if (!normalized.empty()) Collect(qualifiers_, normalized, qualified);

  for (const auto& [rule, found] : levels) {
    if (found.empty()) continue;
    if (found.size() > 1) {
      std::vector<std::string> names;
      for (const auto& [id, entry] : found) {
        names.push_back(absl::StrCat(MarketName(id), " ('", entry.name, "')"));
      }
      return FieldError(field + ".market_display_name",
                        absl::StrCat("'", name, "' is ambiguous: it matches ",
                                     absl::StrJoin(names, " and "), "; set ",
                                     field, ".market to choose"));
    }
    return Match{rule, found.begin()->first, found.begin()->second.name};
  }
  // By host, whichever side was imported first: a domain the row gives and
  // a market owns or is named by, or the row's name as a host a market
  // owns.
  std::map<std::string, Match> by_host;  // market id -> how
  const auto add = [&](const std::string& id, v1::ReconciliationRule rule,
                       const std::string& detail) {
    by_host.emplace(id, Match{rule, id, detail});
  };
  for (const v1::DomainRule& rule : row.domains()) {
    const std::string owner = DomainOwner(rule.pattern());
    if (!owner.empty()) {
      add(owner, v1::RECONCILIATION_RULE_SHARED_DOMAIN, rule.pattern());
    }
    const auto named = host_named_.find(rule.pattern());
    if (named == host_named_.end()) continue;
    for (const std::string& id : named->second) {
      add(id, v1::RECONCILIATION_RULE_HOST_NAME,
          absl::StrCat("the row's domain ", rule.pattern(),
                       " is the market's name"));
    }
  }
  if (const std::string host = NameAsHost(name); !host.empty()) {
    if (const std::string owner = DomainOwner(host); !owner.empty()) {
      add(owner, v1::RECONCILIATION_RULE_HOST_NAME,
          absl::StrCat("the row's name is the market's domain ", host));
    }
  }
  if (by_host.size() > 1) {
    std::vector<std::string> names;
    for (const auto& [id, match] : by_host) names.push_back(MarketName(id));
    return FieldError(field + ".domains",
                      absl::StrCat("'", name, "' shares hosts with ",
                                   absl::StrJoin(names, " and "), "; set ",
                                   field, ".market to choose"));
  }
  if (by_host.size() == 1) return by_host.begin()->second;
  return Match{v1::RECONCILIATION_RULE_NEW_MARKET, "", ""};
}

// Operators are found by lower-case or normalised name or alias; the first
// operator in the data that has the key wins, as a scan in order would.
OperatorResolver::OperatorResolver(const std::vector<v1::Operator>& operators,
                                   ChangeSet& changes)
    : changes_(changes) {
  for (const v1::Operator& o : operators) Index(o);
}

void OperatorResolver::Index(const v1::Operator& op) {
  const size_t position = ids_.size();
  ids_.insert(*ParseOperatorName(op.name()));
  std::vector<std::string> names{op.display_name()};
  names.insert(names.end(), op.aliases().begin(), op.aliases().end());
  for (const std::string& n : names) {
    by_name_.emplace("l:" + LowerTrim(n), std::pair{position, op.name()});
    if (const std::string normalized = NormalizeName(n); !normalized.empty()) {
      by_name_.emplace("n:" + normalized, std::pair{position, op.name()});
    }
    if (const std::string core = OperatorCoreName(n); !core.empty()) {
      by_name_.emplace("c:" + core, std::pair{position, op.name()});
    }
  }
}

std::string OperatorResolver::Resolve(const std::string& display_name,
                                      const std::string& country,
                                      absl::Time now, int& created) {
  const std::string normalized = NormalizeName(display_name);
  const std::string core = OperatorCoreName(display_name);
  // The most exact rule that matches decides: the same spelling, then the
  // same normalised name, then the same name without its legal form.
  for (const std::string& key :
       {"l:" + LowerTrim(display_name),
        normalized.empty() ? std::string() : "n:" + normalized,
        core.empty() ? std::string() : "c:" + core}) {
    const auto it = by_name_.find(key);
    if (it != by_name_.end()) return it->second.second;
  }
  v1::Operator op;
  op.set_name(OperatorName(UniqueId(Slugify(display_name), ids_)));
  op.set_display_name(std::string(absl::StripAsciiWhitespace(display_name)));
  op.set_country_code(country);
  Stamp(op, static_cast<const v1::Operator*>(nullptr), now);
  changes_.upsert_operators.push_back(op);
  Index(op);
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
  if (!v1::Confidence_IsValid(row.confidence())) {
    return FieldError(field + ".confidence", "is not a Confidence value");
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
