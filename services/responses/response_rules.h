#pragma once

#include <absl/status/statusor.h>
#include <absl/strings/str_cat.h>

#include <chrono>
#include <optional>
#include <string>

#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/grpc/unary.h"
#include "nml/responses/v1/responses_service.pb.h"
#include "services/responses/responses_store.h"

namespace nml::responses {

// The request rules the responses handlers share: what a valid stakeholder
// and response are, the filter fields, and the small steps every handler
// takes (the listings deadline, idempotency, NOT_FOUND).

inline constexpr size_t kMaxRequestIdLength = 128;

// request_id: optional or required, at most kMaxRequestIdLength.
absl::Status CheckRequestId(const std::string& id, bool required);
absl::Status ValidateStakeholder(const v1::Stakeholder& s);
absl::Status ValidateResponse(const v1::Response& r);
// The response without its output-only fields (the server's to set).
v1::Response InputFields(const v1::Response& r);

// The filter fields of ListResponses (the store maps them to columns).
const common::FilterSchema& ResponseFilterSchema();
// The filter fields of ListStakeholders.
const common::FilterSchema& StakeholderFilterSchema();

// Exactly one of the scopes, checked.
absl::StatusOr<ResponsesStore::Scope> ScopeOf(std::optional<int> review_year,
                                              const std::string* target,
                                              const std::string* stakeholder);

// The listings checks get what is left of the caller's deadline (less a
// margin to answer in), and never more than `budget`.
inline constexpr std::chrono::milliseconds kDefaultListingsBudget{5000};
// The targets a response counts for: those it names, and for each listing
// (reviews/2021/listings/x) its market (markets/x) and review
// (reviews/2021). The twin of SQL's target_rollup (migration 004).
std::vector<std::string> RolledUpTargets(const v1::Response& response);

std::chrono::system_clock::time_point ListingsDeadline(
    const common::CallInfo& call,
    std::chrono::milliseconds budget = kDefaultListingsBudget);

// The store's answer to a Get: NOT_FOUND naming the resource when absent.
template <typename T>
absl::StatusOr<T> Found(absl::StatusOr<std::optional<T>> found,
                        const std::string& name) {
  if (!found.ok()) return found.status();
  if (!found->has_value()) {
    return absl::NotFoundError(absl::StrCat(name, " not found"));
  }
  return std::move(**found);
}

// A write's answer: the resource and the data version, or the error.
template <typename T, typename Response>
absl::Status Answer(absl::StatusOr<Written<T>> written, T* resource,
                    Response& response) {
  if (!written.ok()) return written.status();
  *resource = std::move(written->value);
  response.set_data_version(written->data_version);
  return absl::OkStatus();
}

}  // namespace nml::responses
