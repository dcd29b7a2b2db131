#include "services/responses/response_rules.h"

#include <absl/strings/str_cat.h>

#include <set>

#include "common/api/names.h"
#include "common/api/status.h"
#include "common/api/validation.h"

namespace nml::responses {

using common::FieldError;
using common::kStakeholdersPrefix;

namespace {

constexpr auto kDeadlineMargin = std::chrono::milliseconds(50);

}  // namespace

std::vector<std::string> RolledUpTargets(const v1::Response& response) {
  std::set<std::string> covered(response.targets().begin(),
                                response.targets().end());
  for (const std::string& target : response.targets()) {
    if (const auto key = common::ParseListingName(target)) {
      covered.insert(common::MarketName(key->market_id));
      covered.insert(common::ReviewName(key->year));
    }
  }
  return {covered.begin(), covered.end()};
}

std::chrono::system_clock::time_point ListingsDeadline(
    const common::CallInfo& call, std::chrono::milliseconds budget_ms) {
  const auto budget = std::chrono::system_clock::now() + budget_ms;
  // max() - margin stays representable; a real deadline is far from it.
  if (call.deadline == std::chrono::system_clock::time_point::max()) {
    return budget;
  }
  return std::min(budget, call.deadline - kDeadlineMargin);
}

absl::Status CheckRequestId(const std::string& id, bool required) {
  if (id.empty() && required) return FieldError("request_id", "is required");
  if (id.size() > kMaxRequestIdLength) {
    return FieldError(
        "request_id",
        absl::StrCat("at most ", kMaxRequestIdLength, " characters"));
  }
  return common::CheckText(id, "request_id", kMaxRequestIdLength, false);
}

absl::Status ValidateStakeholder(const v1::Stakeholder& s) {
  if (auto st = common::CheckText(s.display_name(), "stakeholder.display_name",
                                  300, true);
      !st.ok()) {
    return st;
  }
  if (s.aliases_size() > 50)
    return FieldError("stakeholder.aliases", "at most 50");
  for (int i = 0; i < s.aliases_size(); ++i) {
    if (auto st = common::CheckText(
            s.aliases(i), absl::StrCat("stakeholder.aliases[", i, "]"), 300,
            true);
        !st.ok()) {
      return st;
    }
  }
  if (!v1::StakeholderType_IsValid(s.type()) ||
      s.type() == v1::STAKEHOLDER_TYPE_UNSPECIFIED) {
    return FieldError("stakeholder.type", "is required");
  }
  return common::CheckCountryCodeFormat(s.country_code(),
                                        "stakeholder.country_code");
}

absl::Status ValidateResponse(const v1::Response& r) {
  if (auto id = common::ParseIdName(r.stakeholder(), kStakeholdersPrefix,
                                    "response.stakeholder");
      !id.ok()) {
    return id.status();
  }
  if (auto st =
          common::CheckReviewYear(r.review_year(), "response.review_year");
      !st.ok()) {
    return st;
  }
  if (r.targets_size() == 0 || r.targets_size() > 50) {
    return FieldError("response.targets", "name 1 to 50 targets");
  }
  std::set<std::string> seen;
  for (int i = 0; i < r.targets_size(); ++i) {
    const std::string field = absl::StrCat("response.targets[", i, "]");
    if (auto st = common::CheckText(r.targets(i), field, 200, true); !st.ok())
      return st;
    if (!seen.insert(r.targets(i)).second)
      return FieldError(field, "is named twice");
  }
  if (!v1::Stance_IsValid(r.stance()) || r.stance() == v1::STANCE_UNSPECIFIED) {
    return FieldError("response.stance", "is required");
  }
  if (auto st = common::CheckText(r.summary(), "response.summary", 4000, true);
      !st.ok()) {
    return st;
  }
  if (auto st = common::CheckText(r.quote(), "response.quote", 500, false);
      !st.ok()) {
    return st;
  }
  if (r.commitments_size() > 20)
    return FieldError("response.commitments", "at most 20");
  for (int i = 0; i < r.commitments_size(); ++i) {
    if (auto st = common::CheckText(
            r.commitments(i), absl::StrCat("response.commitments[", i, "]"),
            500, true);
        !st.ok()) {
      return st;
    }
  }
  if (!v1::Channel_IsValid(r.channel())) {
    return FieldError("response.channel", "is not a channel");
  }
  if (r.has_stated_on()) {
    if (auto st = common::CheckDate(r.stated_on(), "response.stated_on");
        !st.ok()) {
      return st;
    }
  }
  return common::CheckUrl(r.source_url(), "response.source_url", true);
}

// Output-only fields are the server's to set.
v1::Response InputFields(const v1::Response& r) {
  v1::Response input = r;
  input.clear_name();
  input.clear_etag();
  input.clear_create_time();
  input.clear_update_time();
  input.clear_delete_time();
  input.clear_stakeholder_display_name();
  input.clear_stakeholder_type();
  return input;
}

const common::FilterSchema& ResponseFilterSchema() {
  static const common::FilterSchema kSchema = {
      {"stakeholder", {common::FieldType::kString}},
      {"stakeholder_type",
       {common::FieldType::kEnum, v1::StakeholderType_descriptor()}},
      {"stance", {common::FieldType::kEnum, v1::Stance_descriptor()}},
      {"review_year", {common::FieldType::kInt}},
      {"targets", {common::FieldType::kStringList}},
      {"channel", {common::FieldType::kEnum, v1::Channel_descriptor()}},
      {"stated_on", {common::FieldType::kString}},
  };
  return kSchema;
}

const common::FilterSchema& StakeholderFilterSchema() {
  static const common::FilterSchema kSchema = {
      {"display_name", {common::FieldType::kString}},
      {"type", {common::FieldType::kEnum, v1::StakeholderType_descriptor()}},
      {"country_code", {common::FieldType::kString}},
      {"aliases", {common::FieldType::kStringList}},
  };
  return kSchema;
}

absl::StatusOr<ResponsesStore::Scope> ScopeOf(std::optional<int> review_year,
                                              const std::string* target,
                                              const std::string* stakeholder) {
  ResponsesStore::Scope scope;
  if (review_year) {
    if (auto st = common::CheckReviewYear(*review_year, "review_year");
        !st.ok())
      return st;
    scope.review_year = *review_year;
  } else if (target) {
    if (auto st = common::CheckText(*target, "target", 200, true); !st.ok())
      return st;
    scope.target = *target;
  } else if (stakeholder) {
    auto id =
        common::ParseIdName(*stakeholder, kStakeholdersPrefix, "stakeholder");
    if (!id.ok()) return id.status();
    scope.stakeholder_id = *id;
  } else {
    return absl::InvalidArgumentError(
        "scope: set one of review_year, target, stakeholder");
  }
  return scope;
}

}  // namespace nml::responses
