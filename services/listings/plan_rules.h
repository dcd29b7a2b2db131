#pragma once

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <absl/time/time.h>
#include <google/protobuf/timestamp.pb.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/api/validation.h"
#include "nml/listings/v1/listings_service.pb.h"
#include "services/listings/model.h"
#include "services/listings/snapshot.h"

namespace nml::listings {

// What every planner shares: limits, field checks, stamping a written
// resource, finding things in the current data, and the review state rules.
// Internal to the planner files (planner.h is the interface).

inline constexpr size_t kMaxNameLength = 200;
inline constexpr size_t kMaxSummaryLength = 4000;
inline constexpr int kMaxAliases = 50;
inline constexpr int kMaxDomains = 100;

google::protobuf::Timestamp ToProto(absl::Time t);

// etag = the row's revision number.
int64_t Revision(const std::string& etag);

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

absl::Status CheckCountryCode(const std::string& code, std::string_view field);

absl::Status CheckNames(
    const google::protobuf::RepeatedPtrField<std::string>& names,
    std::string_view field);

absl::Status CheckDomains(
    const google::protobuf::RepeatedPtrField<v1::DomainRule>& rules,
    std::string_view field);

absl::Status CheckInfringementTypes(
    const google::protobuf::RepeatedField<int>& types, std::string_view field);

// Who holds a domain pattern now: market id, or "".
std::string DomainOwner(const SnapshotData& data, const std::string& pattern);

template <typename T>
const T* FindByName(const std::vector<T>& items, const std::string& name) {
  for (const T& item : items) {
    if (item.name() == name) return &item;
  }
  return nullptr;
}

const v1::Review* FindReview(const SnapshotData& data, int year);

// Every market id in use, the ids merged into survivors included: a new
// market never takes a merged-away market's name, which still redirects.
std::set<std::string> TakenMarketIds(const SnapshotData& data);

// The market that `market_name` was merged into, or nullptr.
const v1::Market* MergedInto(const SnapshotData& data,
                             const std::string& market_name);

using common::UniqueId;

// The post-write view, for answers with their output-only fields.
std::shared_ptr<const Snapshot> After(const SnapshotData& current,
                                      const ChangeSet& changes);

std::string LowerTrim(std::string_view text);

void AddAlias(v1::Market& market, const std::string& alias);

absl::Status ValidateReviewFields(const v1::Review& review,
                                  const std::string& field);

std::string PublicationBlocker(const v1::Review& review);

// A review's state settled after a write, and the data it was judged on.
struct Settled {
  // The data after the write (built once: answers are read from it). Exact
  // but for the settled review's state, etag and update_time.
  std::shared_ptr<const Snapshot> after;
  // The review as the write leaves it, output-only fields included.
  v1::Review review;
  // Why it is not PUBLISHED; empty when it is complete.
  std::string blocker;
};

// Final state of a review after its listings changed: PUBLISHED only when
// `wanted` and complete (refused when `refuse`, otherwise DRAFT). The
// review's change, if any, is added to `changes`.
absl::StatusOr<Settled> SettleState(const SnapshotData& current,
                                    ChangeSet& changes, int year,
                                    v1::ReviewState wanted, bool refuse);

v1::Review StoredReviewFields(const v1::Review& review);

}  // namespace nml::listings
