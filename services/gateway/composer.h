#pragma once

#include <absl/status/status.h>
#include <google/protobuf/descriptor.h>
#include <grpcpp/channel.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nml/gateway/v1/gateway_service.grpc.pb.h"
#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"

namespace nml::gateway {

// What a composed call passes on to its legs.
struct LegOptions {
  // The caller's deadline; each leg gets it less a margin to answer in.
  std::chrono::system_clock::time_point deadline;
  // `authorization` and `x-request-id`, forwarded to the backends.
  std::vector<std::pair<std::string, std::string>> metadata;
  // The caller's x-nml-min-data-version, for the nml-listings legs, and
  // x-nml-min-responses-data-version, for the nml-responses legs (sent
  // there as x-nml-min-data-version): a version is one service's own.
  std::string min_listings_version;
  std::string min_responses_version;
};

// The composed reads over the two backends, and nothing else: each section
// is one backend call, all made at once on the async stubs. A failed section
// is left out and marked in `sections`; only the primary section (the
// market's history, the review) failing with NOT_FOUND or INVALID_ARGUMENT
// fails the call. Used by the gRPC GatewayService and, in process, by the
// REST front. `done` runs once, on a gRPC thread, when every leg is back;
// `response` must live until then.
class Composer final {
 public:
  Composer(std::shared_ptr<grpc::Channel> listings,
           std::shared_ptr<grpc::Channel> responses);

  void GetMarketDossier(const LegOptions& options,
                        const v1::GetMarketDossierRequest& request,
                        v1::GetMarketDossierResponse* response,
                        std::function<void(grpc::Status)> done);
  void GetReviewReport(const LegOptions& options,
                       const v1::GetReviewReportRequest& request,
                       v1::GetReviewReportResponse* response,
                       std::function<void(grpc::Status)> done);

  // A composed read as the REST front calls it, on the method's own
  // request and response messages (generic: the front holds them as
  // google::protobuf::Message).
  using Read = std::function<void(
      Composer&, const LegOptions&, const google::protobuf::Message& request,
      google::protobuf::Message* response, std::function<void(grpc::Status)>)>;
  // The composed read of `method` (of nml.gateway.v1.GatewayService), or
  // nullptr when there is none.
  static const Read* ReadFor(const google::protobuf::MethodDescriptor* method);
  // OK when every method of GatewayService has a composed read; else
  // FAILED_PRECONDITION naming the first that has none, so the gateway
  // fails at start, not on a request.
  static absl::Status CheckEveryMethodComposed();

 private:
  std::unique_ptr<listings::v1::ListingsService::Stub> listings_;
  std::unique_ptr<responses::v1::ResponsesService::Stub> responses_;
};

}  // namespace nml::gateway
