#include <absl/strings/str_cat.h>

#include "common/api/field_mask.h"
#include "common/api/names.h"
#include "common/api/status.h"
#include "common/api/validation.h"
#include "common/grpc/streamed_import.h"
#include "services/responses/import_rules.h"
#include "services/responses/response_rules.h"
#include "services/responses/responses_handlers.h"

namespace nml::responses {

using common::FieldError;
using common::kResponsesPrefix;
using common::kStakeholdersPrefix;

absl::Status ResponsesHandlers::ImportResponses(
    const v1::ImportResponsesRequest& request,
    v1::ImportResponsesResponse& response, const Call& call) {
  return Import(request, response, call, max_answer_bytes_);
}

absl::Status ResponsesHandlers::ImportResponsesStream(
    const v1::ImportResponsesRequest& request,
    v1::ImportResponsesStreamResponse& response, const Call& call) {
  // The stored answer is whole (a retry replays it); what is sent leaves
  // the responses out when they would not fit in one message.
  v1::ImportResponsesResponse& answer = *response.mutable_import();
  if (auto st = Import(request, answer, call, common::kMaxStreamedImportBytes);
      !st.ok()) {
    return st;
  }
  if (response.ByteSizeLong() > max_answer_bytes_) {
    answer.clear_responses();
    response.set_responses_omitted(true);
  }
  return absl::OkStatus();
}

absl::Status ResponsesHandlers::Import(
    const v1::ImportResponsesRequest& request,
    v1::ImportResponsesResponse& response, const Call& call,
    size_t max_answer_bytes) {
  if (auto st = CheckRequestId(request.request_id(), true); !st.ok()) {
    return st;
  }
  const auto key = common::IdempotencyKeyOf(request, request.request_id());
  if (!request.validate_only()) {
    auto replayed = Replay<v1::ImportResponsesResponse>(key);
    if (!replayed.ok()) return replayed.status();
    if (replayed->has_value()) {
      response = std::move((*replayed)->value);
      response.set_replayed(true);
      return absl::OkStatus();
    }
  }
  // An import resolves a name per distinct target text and checks every
  // target: its listings budget grows with its rows.
  const auto deadline = ListingsDeadline(
      call,
      kDefaultListingsBudget + std::chrono::milliseconds(request.rows_size()));
  std::vector<ImportRow> rows;
  std::vector<v1::RowIssue> skipped;
  std::map<std::string, std::string> resolved;  // target text part -> market
  for (int i = 0; i < request.rows_size(); ++i) {
    const v1::ImportedResponse& in = request.rows(i);
    const std::string field = absl::StrCat("rows[", i, "]");
    auto skip = [&](const std::string& f, const std::string& message) {
      v1::RowIssue* issue = &skipped.emplace_back();
      issue->set_row(i);
      issue->set_field(f);
      issue->set_message(message);
    };
    if (auto st =
            common::CheckText(in.stakeholder_display_name(),
                              field + ".stakeholder_display_name", 300, true);
        !st.ok()) {
      return st;
    }
    for (const std::string* text :
         {&in.stakeholder_type(), &in.target_text(), &in.stance_text()}) {
      if (auto st = common::CheckText(*text, field, 4000, false); !st.ok()) {
        return st;
      }
    }
    ImportRow row;
    row.row = i;
    const StakeholderName name =
        SplitStakeholderName(in.stakeholder_display_name());
    row.stakeholder_display_name = name.display_name;
    row.stakeholder_aliases = name.aliases;
    row.stakeholder_type = MapStakeholderType(in.stakeholder_type());

    v1::Response& r = row.response;
    r.set_review_year(in.review_year());
    r.set_summary(in.summary());
    r.set_quote(in.quote());
    *r.mutable_commitments() = in.commitments();
    r.set_channel(in.channel() == v1::CHANNEL_UNSPECIFIED ? v1::CHANNEL_OTHER
                                                          : in.channel());
    if (in.has_stated_on()) *r.mutable_stated_on() = in.stated_on();
    r.set_source_url(in.source_url());

    const auto stance = MapStance(in.stance_text());
    if (!stance) {
      skip("stance_text",
           absl::StrCat(
               "'", in.stance_text(),
               "' does not map to a stance clearly; record it by hand"));
      continue;
    }
    r.set_stance(stance->stance);
    for (const auto& c : stance->commitments) r.add_commitments(c);

    std::set<std::string> targets(in.targets().begin(), in.targets().end());
    bool unresolved = false;
    for (const TargetPart& part : SplitTargets(in.target_text())) {
      if (part.general) {
        targets.insert(common::ReviewName(in.review_year()));
        continue;
      }
      // The name, or else every market named in its parentheses.
      const auto find = [&](const std::string& text) {
        auto market = resolved.contains(text)
                          ? absl::StatusOr<std::string>(resolved[text])
                          : targets_.FindMarket(text, deadline);
        if (market.ok()) resolved[text] = *market;
        return market;
      };
      auto market = find(part.text);
      if (market.status().code() == absl::StatusCode::kUnavailable) {
        return market.status();
      }
      std::vector<std::string> found;
      if (market.ok()) found.push_back(*market);
      for (size_t i = 0; !market.ok() && i < part.inside.size(); ++i) {
        auto inner = find(part.inside[i]);
        if (inner.status().code() == absl::StatusCode::kUnavailable) {
          return inner.status();
        }
        if (inner.ok()) found.push_back(*inner);
      }
      if (found.empty()) {
        skip("target_text",
             absl::StrCat("no listed market is called '", part.text,
                          "'; give the target as a resource name"));
        unresolved = true;
        break;
      }
      targets.insert(found.begin(), found.end());
    }
    if (unresolved) continue;
    for (const auto& t : targets) r.add_targets(t);
    r.set_stakeholder("stakeholders/import-placeholder");
    if (auto st = ValidateResponse(r); !st.ok()) {
      std::string message(st.message());
      if (message.starts_with("response.")) message = message.substr(9);
      return absl::InvalidArgumentError(absl::StrCat(field, ".", message));
    }
    r.clear_stakeholder();
    rows.push_back(std::move(row));
  }
  // Every target is checked, including the reviews general texts name.
  std::set<std::string> all_targets;
  for (const auto& row : rows) {
    all_targets.insert(row.response.targets().begin(),
                       row.response.targets().end());
  }
  if (auto st = targets_.CheckTargets({all_targets.begin(), all_targets.end()},
                                      "targets", deadline);
      !st.ok()) {
    return st;
  }
  // The skipped rows are always answered in full, so an import with more
  // of them than one answer holds is refused before it writes anything.
  size_t skipped_bytes = 0;
  for (const auto& issue : skipped) skipped_bytes += issue.ByteSizeLong() + 8;
  if (auto st =
          common::CheckAnswerSize(skipped_bytes, max_answer_bytes_, "rows");
      !st.ok()) {
    return st;
  }
  if (request.validate_only()) {
    for (const auto& issue : skipped) *response.add_skipped() = issue;
    for (const auto& row : rows) *response.add_responses() = row.response;
    return absl::OkStatus();
  }
  auto written = store_.ImportResponses(rows, skipped, key, max_answer_bytes);
  if (!written.ok()) return written.status();
  response = written->value;
  return absl::OkStatus();
}

}  // namespace nml::responses
