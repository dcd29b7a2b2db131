#include "tools/nmlctl/responses_commands.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>

#include <cstdio>
#include <string>

#include "tools/nmlctl/csv.h"
#include "tools/nmlctl/print.h"
#include "tools/nmlctl/responses_import.h"

namespace nml::cli {

namespace v1 = nml::listings::v1;
namespace rv1 = nml::responses::v1;

int ImportResponses(ResponsesClient& client, const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(text.status().message()).c_str());
    return kServerError;
  }
  auto request = BuildResponsesImport(path, *text);
  if (!request.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(request.status().message()).c_str());
    return kServerError;
  }
  rv1::ImportResponsesResponse response;
  bool responses_omitted = false;
  grpc::Status status;
  if (request->request.ByteSizeLong() > kImportPartBytes) {
    rv1::ImportResponsesStreamResponse answer;
    status = client.InvokeInParts(
        &rv1::ResponsesService::Stub::ImportResponsesStream, request->request,
        &rv1::ImportResponsesRequest::mutable_rows,
        absl::StrCat("import-responses: ", path), &answer);
    response = std::move(*answer.mutable_import());
    responses_omitted = answer.responses_omitted();
    if (status.ok() && responses_omitted) {
      std::fprintf(stderr,
                   "import-responses: %s: the responses recorded were left "
                   "out of the answer (too large for one message)\n",
                   path.c_str());
    }
  } else {
    status = client.Invoke(&rv1::ResponsesService::Stub::ImportResponses,
                           request->request, &response,
                           ImportTime(request->request.rows_size()));
  }
  if (!status.ok()) return ReportError(client.address(), status);
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& issue : response.skipped()) {
    std::printf("skipped %s:%d: %s: %s\n", path.c_str(),
                request->lines[static_cast<size_t>(issue.row())],
                issue.field().c_str(), issue.message().c_str());
  }
  // Each row recorded is one response, possibly one an earlier row named.
  const int recorded =
      responses_omitted ? request->request.rows_size() - response.skipped_size()
                        : response.responses_size();
  std::printf("imported %d responses, %d new stakeholders, %d rows skipped%s\n",
              recorded, response.stakeholders_created(),
              response.skipped_size(),
              response.replayed() ? " (already loaded)" : "");
  return 0;
}

int ListResponses(ResponsesClient& client, const std::string& filter) {
  rv1::ListResponsesRequest request;
  request.set_filter(filter);
  request.set_page_size(1000);
  for (;;) {
    rv1::ListResponsesResponse response;
    if (int rc = client.Call(&rv1::ResponsesService::Stub::ListResponses,
                             request, &response)) {
      return rc;
    }
    if (client.options().json) {
      PrintJson(response);
    } else {
      for (const auto& r : response.responses()) PrintResponse(r);
    }
    if (response.next_page_token().empty()) return 0;
    request.set_page_token(response.next_page_token());
  }
}

int Stances(ResponsesClient& client, int year, const std::string& target,
            const std::string& stakeholder) {
  rv1::SummarizeStancesRequest request;
  if (year != 0) request.set_review_year(year);
  if (!target.empty()) request.set_target(target);
  if (!stakeholder.empty()) request.set_stakeholder(stakeholder);
  rv1::SummarizeStancesResponse response;
  if (int rc = client.Call(&rv1::ResponsesService::Stub::SummarizeStances,
                           request, &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& c : response.counts()) PrintStanceCount(c);
  std::printf("%d responses from %d stakeholders\n", response.total(),
              response.stakeholder_count());
  return 0;
}

int Timeline(ResponsesClient& client, const std::string& target,
             const std::string& stakeholder) {
  rv1::GetStanceTimelineRequest request;
  if (!target.empty()) request.set_target(target);
  if (!stakeholder.empty()) request.set_stakeholder(stakeholder);
  rv1::GetStanceTimelineResponse response;
  if (int rc = client.Call(&rv1::ResponsesService::Stub::GetStanceTimeline,
                           request, &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& e : response.entries()) {
    PrintResponse(e.response());
    if (e.stance_changed()) {
      std::printf(
          "           ^ changed from %s\n",
          EnumLabel(rv1::Stance_descriptor(), e.previous_stance()).c_str());
    }
  }
  return 0;
}

}  // namespace nml::cli
