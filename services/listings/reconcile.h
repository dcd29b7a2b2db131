#pragma once

#include <absl/status/statusor.h>
#include <absl/time/time.h>

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "nml/listings/v1/listings_service.pb.h"
#include "services/listings/model.h"

namespace nml::listings {

// Import reconciliation: which existing market (or operator) an imported
// row names, by the first rule that matches, and the row's own checks.

struct Match {
  v1::ReconciliationRule rule = v1::RECONCILIATION_RULE_UNSPECIFIED;
  std::string market_id;
  std::string detail;
};

// The markets of the data before an import, indexed by every key a rule
// matches on. Built once per import, so a row costs a few lookups whatever
// the number of markets (a scan of every market per row made reconciling
// 5,000 rows take 25 s).
class Reconciler {
 public:
  explicit Reconciler(const SnapshotData& data);

  // The market an imported row names, by the first rule that matches
  // anything. More than one market at that rule is ambiguous.
  absl::StatusOr<Match> Find(const v1::ImportedListing& row,
                             const std::string& field) const;

  // Who holds a domain pattern: market id, or "".
  std::string DomainOwner(const std::string& pattern) const;

 private:
  // A market name under one key: the market, the name's position among
  // its names (display name first, then aliases) and the name.
  struct Entry {
    std::string market_id;
    size_t position;
    std::string name;
  };
  using Index = std::unordered_map<std::string, std::vector<Entry>>;
  using Candidates = std::map<std::string, Entry>;  // by market id

  // Adds the entries under `key` to `found`, keeping each market's first
  // name (the one a scan of its names in order would report).
  static void Collect(const Index& index, const std::string& key,
                      Candidates& found);

  Index display_;     // lower-case display name
  Index alias_;       // lower-case alias
  Index normalized_;  // NormalizeName of every name
  Index base_;        // SplitName(name).base of every name
  Index qualified_;   // the same, only names with a qualifier
  Index qualifiers_;  // each SplitName(name).inner of every name
  std::unordered_map<std::string, std::string> domain_owner_;
  // Markets named by a host ("rarbg.to"): host -> market ids.
  std::unordered_map<std::string, std::set<std::string>> host_named_;
};

// The host a market name is, when the name is one ("rarbg.to",
// "www.Flvto.biz" -> "flvto.biz"); empty for other names ("RARBG").
std::string NameAsHost(std::string_view name);

// Finds or creates operators by name, indexed like
// the markets so an import's operators cost a lookup each.
class OperatorResolver {
 public:
  // `operators`: those before the import; those it creates are added to
  // `changes` (and found by later rows).
  OperatorResolver(const std::vector<v1::Operator>& operators,
                   ChangeSet& changes);

  // The operator called `display_name` (or an alias of it), created with
  // `country` when there is none; `created` counts creations.
  std::string Resolve(const std::string& display_name,
                      const std::string& country, absl::Time now, int& created);

 private:
  void Index(const v1::Operator& op);

  ChangeSet& changes_;
  // "l:" lower-case or "n:" normalised name -> (position in the data, name)
  std::unordered_map<std::string, std::pair<size_t, std::string>> by_name_;
  std::set<std::string> ids_;
};

absl::Status ValidateImportedRow(const v1::ImportedListing& row,
                                 const std::string& field,
                                 std::string* country_code);

}  // namespace nml::listings
