#pragma once

#include <grpcpp/channel.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/grpc/metrics.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/gateway/rest_message.h"

namespace nml::gateway {

// What operators and tools ask the gateway about itself: /healthz (the
// process answers), /readyz (every backend is SERVING), /metrics
// (Prometheus) and /openapi.json. GET only; no authorization, no backend
// call but /readyz's health checks.
class OpsEndpoints final {
 public:
  // `backends`: each backend service's name and channel, for /readyz.
  // `http_metrics` and `grpc_metrics` (may be null) are rendered by
  // /metrics; `in_flight` counts a /readyz waiting on its checks.
  OpsEndpoints(
      const std::map<std::string, std::shared_ptr<grpc::Channel>>& backends,
      const common::RpcMetrics& http_metrics,
      const common::RpcMetrics* grpc_metrics, std::string openapi,
      std::atomic<int>& in_flight);

  // Whether `path` is one of these endpoints.
  static bool Serves(std::string_view path);
  // Answers `method` on `path` (one that Serves): `done` runs once, on this
  // thread or on a gRPC thread.
  void Serve(std::string_view method, const std::string& path,
             std::function<void(RestReply)> done) const;

 private:
  void Readyz(std::function<void(RestReply)> done) const;

  std::vector<
      std::pair<std::string, std::unique_ptr<grpc::health::v1::Health::Stub>>>
      health_;
  const common::RpcMetrics& http_metrics_;
  const common::RpcMetrics* grpc_metrics_;
  const std::string openapi_;
  std::atomic<int>& in_flight_;
};

}  // namespace nml::gateway
