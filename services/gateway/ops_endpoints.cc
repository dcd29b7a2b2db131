#include "services/gateway/ops_endpoints.h"

#include <absl/base/thread_annotations.h>
#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/api/percent_encoding.h"
#include "common/api/status.h"
#include "common/api/strings.h"
#include "common/grpc/logging.h"
#include "services/gateway/in_flight.h"
#include "services/gateway/rest_headers.h"

namespace nml::gateway {

OpsEndpoints::OpsEndpoints(
    const std::map<std::string, std::shared_ptr<grpc::Channel>>& backends,
    const common::RpcMetrics& http_metrics,
    const common::RpcMetrics* grpc_metrics, std::string openapi,
    std::atomic<int>& in_flight)
    : http_metrics_(http_metrics),
      grpc_metrics_(grpc_metrics),
      openapi_(std::move(openapi)),
      in_flight_(in_flight) {
  for (const auto& [service, channel] : backends) {
    health_.emplace_back(service, grpc::health::v1::Health::NewStub(channel));
  }
}

bool OpsEndpoints::Serves(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics" ||
         path == "/openapi.json";
}

void OpsEndpoints::Serve(std::string_view method, const std::string& path,
                         std::function<void(RestReply)> done) const {
  if (method != "GET") {
    RestReply reply = ErrorReply(grpc::StatusCode::UNIMPLEMENTED,
                                 absl::StrCat(common::EchoInput(method, 20),
                                              " is not allowed on ", path),
                                 405);
    reply.headers.emplace_back("Allow", "GET");
    reply.route = "GET " + path;
    return done(std::move(reply));
  }
  if (path == "/readyz") return Readyz(std::move(done));
  RestReply reply;
  reply.route = "GET " + path;
  if (path == "/healthz") {
    reply.body = R"({"status":"ok"})";
  } else if (path == "/metrics") {
    reply.body = http_metrics_.RenderPrometheus();
    if (grpc_metrics_ != nullptr) {
      reply.body += grpc_metrics_->RenderPrometheus();
    }
    reply.content_type = "text/plain; version=0.0.4";
  } else {
    reply.body = openapi_;
  }
  done(std::move(reply));
}

void OpsEndpoints::Readyz(std::function<void(RestReply)> done) const {
  if (health_.empty()) {
    RestReply reply;
    reply.route = "GET /readyz";
    reply.body = R"({"ready":true,"backends":[]})";
    return done(std::move(reply));
  }
  // Every backend's health, asked at once; answered when the last is back.
  struct Probe {
    explicit Probe(std::atomic<int>& count) : in_flight(count) {}
    absl::Mutex mu;
    nlohmann::json backends ABSL_GUARDED_BY(mu) = nlohmann::json::array();
    bool ready ABSL_GUARDED_BY(mu) = true;
    size_t pending ABSL_GUARDED_BY(mu) = 0;
    std::vector<grpc::ClientContext> contexts;
    std::vector<grpc::health::v1::HealthCheckRequest> requests;
    std::vector<grpc::health::v1::HealthCheckResponse> answers;
    std::function<void(RestReply)> done;
    InFlight in_flight;
  };
  auto probe = std::make_shared<Probe>(in_flight_);
  probe->done = std::move(done);
  {
    absl::MutexLock lock(&probe->mu);  // not shared yet; for the analysis
    probe->pending = health_.size();
  }
  // Sized before any call starts: the calls hold pointers into them.
  probe->contexts = std::vector<grpc::ClientContext>(health_.size());
  probe->requests.resize(health_.size());
  probe->answers.resize(health_.size());
  for (size_t i = 0; i < health_.size(); ++i) {
    probe->contexts[i].set_deadline(std::chrono::system_clock::now() +
                                    std::chrono::seconds(1));
  }
  for (size_t i = 0; i < health_.size(); ++i) {
    health_[i].second->async()->Check(
        &probe->contexts[i], &probe->requests[i], &probe->answers[i],
        [probe, i, name = health_[i].first](grpc::Status status) {
          RestReply reply;
          {
            absl::MutexLock lock(&probe->mu);
            const auto& health = probe->answers[i];
            const bool serving =
                status.ok() &&
                health.status() ==
                    grpc::health::v1::HealthCheckResponse::SERVING;
            probe->ready &= serving;
            // The backend by name and a word for its state; what went wrong
            // (addresses, TLS or channel text) is for the operator's log
            // only, not for anyone who can reach /readyz.
            probe->backends.push_back(
                {{"name", name},
                 {"serving", serving},
                 {"status", status.ok()
                                ? grpc::health::v1::HealthCheckResponse::
                                      ServingStatus_Name(health.status())
                                : "UNREACHABLE"}});
            if (!status.ok()) {
              spdlog::warn("readyz backend={} code={} error={}", name,
                           common::GrpcCodeName(status.error_code()),
                           common::LogField(status.error_message()));
            }
            if (--probe->pending != 0) return;
            reply.route = "GET /readyz";
            reply.status = probe->ready ? 200 : 503;
            const nlohmann::json body = {{"ready", probe->ready},
                                         {"backends", probe->backends}};
            reply.body = body.dump();
          }
          probe->done(std::move(reply));
        });
  }
}

}  // namespace nml::gateway
