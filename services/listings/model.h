#pragma once

#include <absl/time/time.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/api/names.h"
#include "common/text/slug.h"
#include "nml/listings/v1/resources.pb.h"

namespace nml::listings {

// Everything the listings database holds, as stored (no output-only fields
// computed). Resource protos carry their stored fields, `name`, `etag` (the
// row's revision number) and timestamps.
struct SnapshotData {
  int64_t version = 0;
  std::optional<absl::Time> last_import_time;
  std::vector<v1::Review> reviews;
  std::vector<v1::Operator> operators;
  std::vector<v1::Market> markets;
  std::vector<v1::Listing> listings;
};

// What one write does, decided in memory against the current data and then
// applied by the store in one transaction. Upserted resources carry their
// new etag (revision) and timestamps.
struct ChangeSet {
  std::vector<v1::Operator> upsert_operators;
  std::vector<v1::Market> upsert_markets;
  std::vector<v1::Review> upsert_reviews;
  std::vector<v1::Listing> upsert_listings;
  std::vector<std::string> delete_listings;   // listing names
  std::vector<std::string> delete_markets;    // market ids
  std::vector<int> delete_reviews;            // years
  std::vector<std::string> delete_operators;  // operator ids
  bool is_import = false;

  bool empty() const {
    return upsert_operators.empty() && upsert_markets.empty() &&
           upsert_reviews.empty() && upsert_listings.empty() &&
           delete_listings.empty() && delete_markets.empty() &&
           delete_reviews.empty() && delete_operators.empty();
  }
};

// Applies `changes` to `data` the way the store applies them to the
// database, so a write's answer can be computed before it commits.
void ApplyChanges(const ChangeSet& changes, SnapshotData& data);

using common::IsValidId;
using common::kMarketsPrefix;
using common::kOperatorsPrefix;
using common::kReviewsPrefix;
using common::ListingKey;
using common::ListingName;
using common::MarketName;
using common::OperatorName;
using common::ParseListingName;
using common::ParseMarketName;
using common::ParseOperatorName;
using common::ParseReviewName;
using common::ReviewName;
using common::Slugify;

}  // namespace nml::listings
