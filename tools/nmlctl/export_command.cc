#include "tools/nmlctl/export_command.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <google/api/httpbody.pb.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/api/names.h"

namespace nml::cli {

namespace {

namespace lv1 = listings::v1;
namespace rv1 = responses::v1;

// Streams one export into `path` (through a temporary name: a failed export
// leaves no half file behind); the data version it was read at goes to
// `version`. The exit status.
template <typename Service, typename Request>
int WriteFile(Client<Service>& client,
              std::unique_ptr<grpc::ClientReader<google::api::HttpBody>> (
                  Service::Stub::*method)(grpc::ClientContext*, const Request&),
              const Request& request, const std::string& path,
              int64_t& version) {
  const std::string partial = path + ".partial";
  std::ofstream out(partial, std::ios::trunc | std::ios::binary);
  if (!out) {
    std::fprintf(stderr, "nmlctl: cannot write %s\n", partial.c_str());
    return kServerError;
  }
  size_t bytes = 0;
  std::map<std::string, std::string> head;
  const grpc::Status status =
      client.InvokeStreaming(method, request,
                             std::function<bool(const google::api::HttpBody&)>(
                                 [&](const google::api::HttpBody& chunk) {
                                   out << chunk.data();
                                   bytes += chunk.data().size();
                                   return true;
                                 }),
                             /*open_ended=*/false, &head);
  if (const auto it = head.find(common::kDataVersionMetadata);
      it != head.end()) {
    (void)absl::SimpleAtoi(it->second, &version);
  }
  out.close();
  std::error_code error;
  if (!status.ok()) {
    std::filesystem::remove(partial, error);
    return ReportError(client.address(), status);
  }
  if (!out) {
    std::fprintf(stderr, "nmlctl: writing %s failed\n", partial.c_str());
    return kServerError;
  }
  std::filesystem::rename(partial, path, error);
  if (error) {
    std::fprintf(stderr, "nmlctl: %s: %s\n", path.c_str(),
                 error.message().c_str());
    return kServerError;
  }
  std::printf("wrote %s (%zu bytes)\n", path.c_str(), bytes);
  return 0;
}

}  // namespace

int Export(ListingsClient& listings, ResponsesClient& responses,
           const std::string& dir, const std::string& review,
           const std::string& format) {
  if (format != "csv" && format != "ndjson") {
    std::fprintf(stderr, "nmlctl: --format: csv or ndjson, not '%s'\n",
                 format.c_str());
    return kUsage;
  }
  int year = 0;
  if (!review.empty() && !absl::SimpleAtoi(review, &year)) {
    std::fprintf(stderr, "nmlctl: --review: a year, not '%s'\n",
                 review.c_str());
    return kUsage;
  }
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  const bool ndjson = format == "ndjson";
  // Both list files at one data version: the second call is pinned to the
  // first's (rebuilt from the change log if the data moved meanwhile).
  int64_t version = 0;
  for (const auto& [table, file] :
       {std::pair{lv1::EXPORT_TABLE_LISTINGS, "markets"},
        std::pair{lv1::EXPORT_TABLE_REVIEWS, "review_counts"}}) {
    lv1::ExportDataRequest request;
    request.set_table(table);
    request.set_format(ndjson ? lv1::EXPORT_FORMAT_NDJSON
                              : lv1::EXPORT_FORMAT_CSV);
    if (year != 0) request.set_review(common::ReviewName(year));
    request.set_data_version(version);
    if (int rc = WriteFile(listings, &lv1::ListingsService::Stub::ExportData,
                           request, absl::StrCat(dir, "/", file, ".", format),
                           version)) {
      return rc;
    }
  }
  rv1::ExportResponsesRequest request;
  request.set_review_year(year);
  request.set_format(ndjson ? rv1::EXPORT_FORMAT_NDJSON
                            : rv1::EXPORT_FORMAT_CSV);
  int64_t responses_version = 0;
  if (int rc = WriteFile(
          responses, &rv1::ResponsesService::Stub::ExportResponses, request,
          absl::StrCat(dir, "/responses.", format), responses_version)) {
    return rc;
  }
  std::printf(
      "data version %lld (follow the changes after it: nmlctl watch --since "
      "%lld), responses at data version %lld (nmlctl watch --responses "
      "--since %lld)\n",
      static_cast<long long>(version), static_cast<long long>(version),
      static_cast<long long>(responses_version),
      static_cast<long long>(responses_version));
  return 0;
}

}  // namespace nml::cli
