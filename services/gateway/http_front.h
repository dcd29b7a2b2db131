#pragma once

#include <absl/status/status.h>
#include <grpcpp/channel.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "common/config.h"
#include "common/metrics.h"
#include "services/gateway/routes.h"

namespace httplib {
class Server;
}

namespace nml::gateway {

// The REST/JSON face of nml: every annotated RPC of the three services,
// transcoded with protobuf's JSON mapping (strictly), plus /healthz, /readyz,
// /metrics and /openapi.json. Holds no business logic: a request becomes one
// gRPC call to the service that owns the RPC.
class HttpFront final {
 public:
  struct Options {
    std::string listen = "0.0.0.0:8080";
    int threads = 8;
    std::chrono::milliseconds call_timeout{10000};
    common::ServerTlsOptions tls;  // HTTPS (and client certificates) when set
  };

  // `channels` maps a service's full name to the channel that serves it.
  HttpFront(Options options, RouteTable routes,
            std::map<std::string, std::shared_ptr<grpc::Channel>> channels,
            std::vector<std::shared_ptr<grpc::Channel>> backends,
            common::RpcMetrics* grpc_metrics);
  ~HttpFront();

  // Binds (port 0 picks one) and serves in the background.
  absl::Status Start();
  int port() const { return port_; }
  void Stop();

  // The OpenAPI 3 document of the routes.
  static nlohmann::json OpenApi(const RouteTable& routes);

 private:
  struct Reply {
    int status = 200;
    std::string body;
    std::string request_id;
    std::string route;  // "GET /v1/{name=reviews/*}", for metrics
  };
  Reply Dispatch(const std::string& method, const std::string& path,
                 const std::multimap<std::string, std::string>& query,
                 const std::string& body, const std::string& authorization,
                 std::string request_id);

  const Options options_;
  const RouteTable routes_;
  const std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  const std::vector<std::shared_ptr<grpc::Channel>> backends_;
  common::RpcMetrics* grpc_metrics_;
  common::RpcMetrics http_metrics_{"nml_http"};
  const std::string openapi_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// The HTTP status for a gRPC status code (the grpc-gateway table).
int HttpStatusFor(int grpc_code);

}  // namespace nml::gateway
