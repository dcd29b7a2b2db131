#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/grpc/auth.h"
#include "common/grpc/metrics.h"
#include "services/gateway/composer.h"
#include "services/gateway/cors.h"
#include "services/gateway/in_flight.h"
#include "services/gateway/ops_endpoints.h"
#include "services/gateway/rest_message.h"
#include "services/gateway/routes.h"
#include "services/gateway/web_view.h"

namespace nml::gateway {

// The REST/JSON face of nml: every RPC with a google.api.http binding,
// transcoded with protobuf's JSON mapping (strictly), beside the operators'
// endpoints (OpsEndpoints), the web view's pages (WebView) and CORS (Cors),
// each in its own room. Holds no
// business logic: a REST call becomes one call to the service that owns the
// RPC, over its async stub, or to the in-process Composer for the gateway's own
// composed reads. Never blocks: `done` runs on the calling thread or on a gRPC
// thread.
class RestHandler final {
 public:
  struct Options {
    std::chrono::milliseconds default_timeout{10000};
    std::chrono::milliseconds max_timeout{300000};
    // Origins allowed to call from a browser (CORS); "*" allows any.
    std::vector<std::string> cors_origins;
  };

  // `channels` maps a backend service's full name to its channel; the
  // gateway's own service is served by `composer`. `policy` decides the
  // composed reads, as the gRPC side's interceptor does.
  RestHandler(Options options, RouteTable routes,
              std::map<std::string, std::shared_ptr<grpc::Channel>> channels,
              Composer* composer,
              std::shared_ptr<const common::AuthPolicy> policy,
              common::RpcMetrics* grpc_metrics);

  void Handle(RestRequest request, std::function<void(RestReply)> done);

  // Calls still waiting on a backend.
  int in_flight() const { return in_flight_.load(); }
  // Cancels every backend call still running (at shutdown).
  void CancelAll();

  common::RpcMetrics& http_metrics() { return http_metrics_; }

 private:
  struct Call;
  // `path` and `query` are the request target's two parts.
  void HandleRoute(const RestRequest& request, const std::string& path,
                   std::string_view query, std::shared_ptr<Call> call);
  void Invoke(std::shared_ptr<Call> call);
  void Finish(const std::shared_ptr<Call>& call, RestReply reply);

  const Options options_;
  const RouteTable routes_;
  std::map<std::string, std::unique_ptr<grpc::GenericStub>> stubs_;
  Composer* composer_;
  std::shared_ptr<const common::AuthPolicy> policy_;
  common::RpcMetrics* grpc_metrics_;
  common::RpcMetrics http_metrics_{"nml_http"};
  std::atomic<int> in_flight_{0};
  const Cors cors_;
  // Declared after what it renders and counts.
  const OpsEndpoints ops_;
  const WebView web_view_;
  absl::Mutex mu_;
  std::set<grpc::ClientContext*> contexts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nml::gateway
