#pragma once

#include <absl/status/statusor.h>
#include <absl/time/time.h>

#include <string>

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

// Finds the market an imported row names, by the first rule that matches
// anything. More than one market at that rule is ambiguous.
absl::StatusOr<Match> Reconcile(const SnapshotData& data,
                                const v1::ImportedListing& row,
                                const std::string& field);

// Finds or creates the operator a row names, in `data` and `changes`.
std::string ResolveOperator(SnapshotData& data, ChangeSet& changes,
                            const std::string& display_name,
                            const std::string& country, absl::Time now,
                            int& created);

absl::Status ValidateImportedRow(const v1::ImportedListing& row,
                                 const std::string& field,
                                 std::string* country_code);

}  // namespace nml::listings
