#include <absl/strings/str_cat.h>

#include "common/api/field_mask.h"
#include "common/api/list_page.h"
#include "common/api/names.h"
#include "common/api/status.h"
#include "common/api/validation.h"
#include "common/text/slug.h"
#include "services/responses/response_rules.h"
#include "services/responses/responses_handlers.h"

namespace nml::responses {

using common::FieldError;
using common::kResponsesPrefix;
using common::kStakeholdersPrefix;

absl::Status ResponsesHandlers::GetStakeholder(
    const v1::GetStakeholderRequest& request,
    v1::GetStakeholderResponse& response, const Call& call) {
  auto id = common::ParseIdName(request.name(), kStakeholdersPrefix, "name");
  if (!id.ok()) return id.status();
  int64_t version = 0;
  auto found =
      Found(store_.GetStakeholder(*id, call.min_data_version, &version),
            request.name());
  if (!found.ok()) return found.status();
  *response.mutable_stakeholder() = std::move(*found);
  response.set_data_version(version);
  return absl::OkStatus();
}

absl::Status ResponsesHandlers::ListStakeholders(
    const v1::ListStakeholdersRequest& request,
    v1::ListStakeholdersResponse& response, const Call& call) {
  // Stakeholders are few (hundreds): filtered and paged in memory.
  int64_t version = 0;
  auto all = store_.AllStakeholders(call.min_data_version, &version);
  if (!all.ok()) return all.status();
  auto field = [](const v1::Stakeholder& s,
                  std::string_view f) -> common::FieldValue {
    if (f == "name") return s.name();
    if (f == "display_name") return s.display_name();
    if (f == "type") return v1::StakeholderType_Name(s.type());
    if (f == "country_code") return s.country_code();
    return std::vector<std::string>(s.aliases().begin(), s.aliases().end());
  };
  if (auto st = common::ListPage(
          common::Pointers(*all), field, StakeholderFilterSchema(),
          request.filter(), {"name", "display_name"}, {{"name", false}},
          request.order_by(), request.page_size(), request.page_token(),
          // Read from the database as it is now: an offset into the
          // current rows, not bound to a data version (0).
          "stakeholders", /*data_version=*/0, response.mutable_stakeholders(),
          response.mutable_next_page_token(), nullptr);
      !st.ok()) {
    return st;
  }
  response.set_data_version(version);
  return absl::OkStatus();
}

absl::Status ResponsesHandlers::CreateStakeholder(
    const v1::CreateStakeholderRequest& request,
    v1::CreateStakeholderResponse& response, const Call&) {
  if (auto st = CheckRequestId(request.request_id(), false); !st.ok()) {
    return st;
  }
  v1::Stakeholder s = request.stakeholder();
  if (auto st = ValidateStakeholder(s); !st.ok()) return st;
  std::string id = request.stakeholder_id();
  if (id.empty()) id = common::Slugify(s.display_name());
  if (!common::IsValidId(id)) {
    return FieldError("stakeholder_id",
                      "must be 1-63 lower-case letters, digits and hyphens");
  }
  s.set_name(absl::StrCat(kStakeholdersPrefix, id));
  auto written = store_.CreateStakeholder(
      s, common::IdempotencyKeyOf(request, request.request_id()));
  return Answer(std::move(written), response.mutable_stakeholder(), response);
}

absl::Status ResponsesHandlers::UpdateStakeholder(
    const v1::UpdateStakeholderRequest& request,
    v1::UpdateStakeholderResponse& response, const Call&) {
  auto id = common::ParseIdName(request.stakeholder().name(),
                                kStakeholdersPrefix, "stakeholder.name");
  if (!id.ok()) return id.status();
  auto written = store_.UpdateStakeholder(*id, [&](v1::Stakeholder& current) {
    if (auto st = common::CheckEtag(request.stakeholder().etag(),
                                    current.etag(), "stakeholder.etag");
        !st.ok()) {
      return st;
    }
    if (auto st = common::ApplyFieldMask(
            request.update_mask(), request.stakeholder(),
            {"display_name", "aliases", "type", "country_code"}, current);
        !st.ok()) {
      return st;
    }
    return ValidateStakeholder(current);
  });
  return Answer(std::move(written), response.mutable_stakeholder(), response);
}

absl::Status ResponsesHandlers::DeleteStakeholder(
    const v1::DeleteStakeholderRequest& request,
    v1::DeleteStakeholderResponse& response, const Call&) {
  auto id = common::ParseIdName(request.name(), kStakeholdersPrefix, "name");
  if (!id.ok()) return id.status();
  auto version = store_.DeleteStakeholder(*id, request.etag());
  if (!version.ok()) return version.status();
  response.set_data_version(*version);
  return absl::OkStatus();
}

}  // namespace nml::responses
