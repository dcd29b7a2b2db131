// ExportResponses: every live response (of a year), read at one data
// version, as the file of data/responses.csv.
#include <absl/strings/str_cat.h>

#include "common/api/status.h"
#include "common/api/validation.h"
#include "services/responses/export.h"
#include "services/responses/response_rules.h"
#include "services/responses/responses_handlers.h"

namespace nml::responses {

absl::StatusOr<std::vector<google::api::HttpBody>>
ResponsesHandlers::ExportResponses(const v1::ExportResponsesRequest& request,
                                   const Call& call, int64_t& data_version) {
  if (request.review_year() != 0) {
    if (auto s = common::CheckReviewYear(request.review_year(), "review_year");
        !s.ok()) {
      return s;
    }
  }
  if (!v1::ExportFormat_IsValid(request.format())) {
    return common::FieldError("format", "is not an ExportFormat");
  }
  auto filter = common::Filter::Parse(
      request.review_year() == 0
          ? ""
          : absl::StrCat("review_year = ", request.review_year()),
      ResponseFilterSchema());
  if (!filter.ok()) return filter.status();
  // Pages are read one after another: a write between two shows as a
  // version that moved, and the read starts again (a few times).
  for (int attempt = 0; attempt < 3; ++attempt) {
    ResponseQuery query;
    query.filter = *filter;
    query.order = ResponseQuery::Order::kCreated;
    query.limit = 1000;
    query.min_version = call.min_data_version;
    std::vector<v1::Response> responses;
    int64_t first = -1;
    bool moved = false;
    for (;;) {
      auto page = store_.ListResponses(query);
      if (!page.ok()) return page.status();
      if (first < 0) {
        first = page->data_version;
        // Later pages no older than the first, wherever they are read.
        query.min_version = first;
      }
      moved |= page->data_version != first;
      for (auto& r : page->responses) responses.push_back(std::move(r));
      if (!page->next.has_value()) break;
      query.after = page->next;
    }
    if (moved) continue;
    auto names = targets_.MarketDisplayNames(call.deadline);
    if (!names.ok()) {
      return absl::UnavailableError(absl::StrCat(
          "an export names each target market, and nml-listings did not "
          "answer: ",
          names.status().message()));
    }
    data_version = first;
    return ExportResponsesFile(std::move(responses), *names, request.format());
  }
  return absl::AbortedError(
      "the responses kept changing while they were read; retry");
}

}  // namespace nml::responses
