#pragma once

#include <absl/status/status.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/server.h>
#include <grpcpp/support/server_interceptor.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/config.h"
#include "common/grpc/grpc_front.h"
#include "common/grpc/metrics.h"
#include "common/grpc/metrics_server.h"

namespace nml::common {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it
// creates afterwards, so that ServerRunner::Wait() can take them
// synchronously. Call first thing in main(), before any thread exists.
void BlockTerminationSignals();

// Runs one gRPC server: the services, grpc.health.v1, server reflection, RPC
// logging and metrics, message-size limits, and a graceful shutdown.
//
// Health (grpc.health.v1) under three names:
//  - readiness, for the server as a whole ("") and for `service_name`:
//    NOT_SERVING until the readiness check passes and whenever it fails
//    afterwards, back by itself. Without a readiness check it is the
//    database check (a service that can do nothing without its database);
//  - "database": the database check alone;
//  - "liveness": SERVING from Start() until shutdown, whatever the
//    database does, so an orchestrator restarts a process that is stuck,
//    not one whose database is down.
// Each check runs with a client-side limit (--health-timeout-ms): a
// database that hangs is NOT_SERVING within that, not never (TimedCheck).
class Executor;

class ServerRunner final {
 public:
  static constexpr std::string_view kLivenessService = "liveness";
  static constexpr std::string_view kDatabaseService = "database";

  ServerRunner(std::string service_name, ServerOptions options);
  ~ServerRunner();
  ServerRunner(const ServerRunner&) = delete;
  ServerRunner& operator=(const ServerRunner&) = delete;

  // Before Start(). The runner does not own the service.
  void AddService(grpc::Service* service);
  void AddInterceptorFactory(
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
          factory);
  void SetReadinessCheck(std::function<absl::Status()> check);
  void SetDatabaseCheck(std::function<absl::Status()> check);
  // Runs when shutdown begins, before the server waits for open calls:
  // ends long-lived streams (WatchChanges) that would otherwise hold it
  // for the whole grace period.
  void OnShutdown(std::function<void()> hook);

  // Binds and starts serving. UNAVAILABLE when the address cannot be bound.
  absl::Status Start();
  // The bound port (useful with port 0).
  int port() const { return port_; }
  RpcMetrics& metrics() { return metrics_; }
  // The bound port of --metrics-listen, 0 when metrics are not served.
  int metrics_port() const { return metrics_port_; }
  bool serving() const { return serving_.load(); }
  // Every task on `executor`'s workers needs the database: while the health
  // loop finds it down, calls are UNAVAILABLE at once instead of queued
  // behind workers stuck on it (Executor::SetDependency). Before Start().
  void GateOnDatabase(Executor& executor);

  // Blocks until SIGTERM/SIGINT or RequestShutdown(), then shuts down:
  // health turns NOT_SERVING, new calls are refused, in-flight calls get up
  // to `shutdown_grace_ms` to finish and are cancelled after that.
  void Wait();
  void RequestShutdown();

 private:
  void ReadinessLoop();
  // Closes the port and the server at once (no grace).
  void StopNow();

  const std::string service_name_;
  const ServerOptions options_;
  RpcMetrics metrics_;
  std::vector<grpc::Service*> services_;
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptor_factories_;
  std::function<absl::Status()> readiness_check_;
  std::function<absl::Status()> database_check_;
  std::vector<std::function<void()>> shutdown_hooks_;
  std::unique_ptr<grpc::Server> server_;
  // Owns the port; declared after server_ so that it stops first.
  std::unique_ptr<GrpcFront> front_;
  int port_ = 0;
  std::unique_ptr<MetricsServer> metrics_server_;
  int metrics_port_ = 0;

  absl::Mutex mu_;
  absl::CondVar changed_;
  bool shutdown_requested_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> serving_{false};
  std::atomic<bool> database_up_{true};
  std::thread readiness_thread_;
};

}  // namespace nml::common
