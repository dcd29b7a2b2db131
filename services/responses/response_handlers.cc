#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>

#include "common/api/field_mask.h"
#include "common/api/names.h"
#include "common/api/status.h"
#include "common/api/validation.h"
#include "services/responses/response_rules.h"
#include "services/responses/responses_handlers.h"

namespace nml::responses {

using common::FieldError;
using common::kResponsesPrefix;
using common::kStakeholdersPrefix;

namespace {

// A market has a handful of other names; more is not a market's.
constexpr int kMaxTargetAliases = 100;

// target_aliases, when given: market names, and not too many.
absl::Status CheckTargetAliases(const v1::TargetAliases& aliases) {
  if (aliases.names_size() > kMaxTargetAliases) {
    return FieldError("target_aliases.names",
                      absl::StrCat("at most ", kMaxTargetAliases, " names"));
  }
  for (int i = 0; i < aliases.names_size(); ++i) {
    if (!common::ParseMarketName(aliases.names(i))) {
      return FieldError(absl::StrCat("target_aliases.names[", i, "]"),
                        "must be markets/{market}");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ResponsesHandlers::GetResponse(
    const v1::GetResponseRequest& request, v1::GetResponseResponse& response,
    const Call& call) {
  auto id = common::ParseIdName(request.name(), kResponsesPrefix, "name");
  if (!id.ok()) return id.status();
  int64_t version = 0;
  auto found = Found(store_.GetResponse(*id, call.min_data_version, &version),
                     request.name());
  if (!found.ok()) return found.status();
  *response.mutable_response() = std::move(*found);
  response.set_data_version(version);
  return absl::OkStatus();
}

std::vector<std::string> ResponsesHandlers::MergedInto(
    const std::string& target, const v1::TargetAliases* known,
    const Call& call) {
  if (!common::ParseMarketName(target)) return {};
  if (known != nullptr) return {known->names().begin(), known->names().end()};
  auto merged = targets_.OtherNamesOf(target, ListingsDeadline(call));
  if (!merged.ok()) {
    spdlog::warn("responses on markets merged into {} left out: {}", target,
                 merged.status().ToString());
    return {};
  }
  return *std::move(merged);
}

absl::Status ResponsesHandlers::ListResponses(
    const v1::ListResponsesRequest& request,
    v1::ListResponsesResponse& response, const Call& call) {
  auto filter = common::Filter::Parse(request.filter(), ResponseFilterSchema());
  if (!filter.ok()) return filter.status();
  auto order = common::ParseOrderBy(request.order_by(),
                                    {"stated_on", "review_year", "create_time"},
                                    {{"stated_on", false}});
  if (!order.ok()) return order.status();
  if (request.has_target_aliases()) {
    if (auto st = CheckTargetAliases(request.target_aliases()); !st.ok()) {
      return st;
    }
  }
  if (order->size() > 1) {
    return FieldError("order_by", "orders by one field");
  }
  auto page_size = common::EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  ResponseQuery query;
  query.filter = *std::move(filter);
  const std::string& field = order->front().field;
  query.order = field == "review_year"   ? ResponseQuery::Order::kReviewYear
                : field == "create_time" ? ResponseQuery::Order::kCreated
                                         : ResponseQuery::Order::kStatedOn;
  query.descending = order->front().descending;
  query.limit = *page_size;
  query.show_deleted = request.show_deleted();
  query.exact_targets = request.exact_targets();
  query.min_version = call.min_data_version;
  if (!query.exact_targets) {
    if (const auto target = query.filter.RequiredHas("targets")) {
      query.target_aliases = MergedInto(
          target->value,
          request.has_target_aliases() ? &request.target_aliases() : nullptr,
          call);
    }
  }
  const uint64_t fingerprint =
      common::Fingerprint({"responses", request.filter(), request.order_by(),
                           request.show_deleted() ? "deleted" : "",
                           request.exact_targets() ? "exact" : ""});
  if (!request.page_token().empty()) {
    auto cursor = common::DecodeCursorToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    query.after = *cursor;
  }
  auto page = store_.ListResponses(query);
  if (!page.ok()) return page.status();
  for (auto& r : page->responses) *response.add_responses() = std::move(r);
  if (page->next) {
    response.set_next_page_token(
        common::EncodeCursorToken(fingerprint, *page->next));
  }
  response.set_data_version(page->data_version);
  return absl::OkStatus();
}

absl::Status ResponsesHandlers::CreateResponse(
    const v1::CreateResponseRequest& request,
    v1::CreateResponseResponse& response, const Call& call) {
  if (auto st = CheckRequestId(request.request_id(), false); !st.ok()) {
    return st;
  }
  const v1::Response input = InputFields(request.response());
  if (auto st = ValidateResponse(input); !st.ok()) return st;
  const auto key = common::IdempotencyKeyOf(request, request.request_id());
  auto replayed = Replay<v1::Response>(key);
  if (!replayed.ok()) return replayed.status();
  if (replayed->has_value()) {
    return Answer(absl::StatusOr<Written<v1::Response>>(std::move(**replayed)),
                  response.mutable_response(), response);
  }
  const std::vector<std::string> targets(input.targets().begin(),
                                         input.targets().end());
  if (auto st = targets_.CheckTargets(targets, "response.targets",
                                      ListingsDeadline(call));
      !st.ok()) {
    return st;
  }
  auto written = store_.CreateResponse(input, key);
  return Answer(std::move(written), response.mutable_response(), response);
}

absl::Status ResponsesHandlers::UpdateResponse(
    const v1::UpdateResponseRequest& request,
    v1::UpdateResponseResponse& response, const Call& call) {
  auto id = common::ParseIdName(request.response().name(), kResponsesPrefix,
                                "response.name");
  if (!id.ok()) return id.status();
  const v1::Response input = InputFields(request.response());
  if (common::MaskWrites(request.update_mask(), "targets")) {
    const std::vector<std::string> targets(input.targets().begin(),
                                           input.targets().end());
    if (auto st = targets_.CheckTargets(targets, "response.targets",
                                        ListingsDeadline(call));
        !st.ok()) {
      return st;
    }
  }
  auto written = store_.UpdateResponse(*id, [&](v1::Response& current) {
    if (auto st = common::CheckEtag(request.response().etag(), current.etag(),
                                    "response.etag");
        !st.ok()) {
      return st;
    }
    if (auto st = common::ApplyFieldMask(
            request.update_mask(), input,
            {"stakeholder", "review_year", "targets", "stance", "summary",
             "quote", "commitments", "channel", "stated_on", "source_url"},
            current);
        !st.ok()) {
      return st;
    }
    return ValidateResponse(current);
  });
  return Answer(std::move(written), response.mutable_response(), response);
}

absl::Status ResponsesHandlers::DeleteResponse(
    const v1::DeleteResponseRequest& request,
    v1::DeleteResponseResponse& response, const Call&) {
  auto id = common::ParseIdName(request.name(), kResponsesPrefix, "name");
  if (!id.ok()) return id.status();
  auto written = store_.SetDeleted(*id, true, request.etag());
  return Answer(std::move(written), response.mutable_response(), response);
}

absl::Status ResponsesHandlers::UndeleteResponse(
    const v1::UndeleteResponseRequest& request,
    v1::UndeleteResponseResponse& response, const Call&) {
  auto id = common::ParseIdName(request.name(), kResponsesPrefix, "name");
  if (!id.ok()) return id.status();
  auto written = store_.SetDeleted(*id, false, "");
  return Answer(std::move(written), response.mutable_response(), response);
}

absl::Status ResponsesHandlers::SummarizeStances(
    const v1::SummarizeStancesRequest& request,
    v1::SummarizeStancesResponse& response, const Call& call) {
  auto scope = ScopeOf(
      request.has_review_year() ? std::optional<int>(request.review_year())
                                : std::nullopt,
      request.has_target() ? &request.target() : nullptr,
      request.has_stakeholder() ? &request.stakeholder() : nullptr);
  if (!scope.ok()) return scope.status();
  if (request.has_target_aliases()) {
    if (auto st = CheckTargetAliases(request.target_aliases()); !st.ok()) {
      return st;
    }
  }
  if (scope->target) {
    scope->target_aliases = MergedInto(
        *scope->target,
        request.has_target_aliases() ? &request.target_aliases() : nullptr,
        call);
  }
  scope->min_version = call.min_data_version;
  auto summary = store_.SummarizeStances(*scope);
  if (!summary.ok()) return summary.status();
  for (auto& c : summary->counts) *response.add_counts() = std::move(c);
  response.set_total(summary->total);
  response.set_stakeholder_count(summary->stakeholders);
  response.set_data_version(summary->data_version);
  return absl::OkStatus();
}

absl::Status ResponsesHandlers::GetStanceTimeline(
    const v1::GetStanceTimelineRequest& request,
    v1::GetStanceTimelineResponse& response, const Call& call) {
  auto scope =
      ScopeOf(std::nullopt, request.has_target() ? &request.target() : nullptr,
              request.has_stakeholder() ? &request.stakeholder() : nullptr);
  if (!scope.ok()) return scope.status();
  if (scope->target) {
    scope->target_aliases = MergedInto(*scope->target, nullptr, call);
  }
  scope->min_version = call.min_data_version;
  int64_t version = 0;
  auto entries = store_.Timeline(*scope, &version);
  if (!entries.ok()) return entries.status();
  std::map<std::string, v1::Stance> last;  // stakeholder -> previous stance
  for (auto& r : *entries) {
    v1::TimelineEntry* entry = response.add_entries();
    const auto previous = last.find(r.stakeholder());
    if (previous != last.end()) {
      entry->set_previous_stance(previous->second);
      entry->set_stance_changed(previous->second != r.stance());
    }
    last[r.stakeholder()] = r.stance();
    *entry->mutable_response() = std::move(r);
  }
  response.set_data_version(version);
  return absl::OkStatus();
}

}  // namespace nml::responses
