#include "common/grpc/server.h"

#include <absl/strings/str_cat.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/grpc/fault_drill.h"
#include "common/grpc/logging.h"
#include "common/grpc/request_check.h"
#include "common/grpc/timed_check.h"

namespace nml::common {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void BlockTerminationSignals() {
  const sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

ServerRunner::ServerRunner(std::string service_name, ServerOptions options)
    : service_name_(std::move(service_name)), options_(std::move(options)) {}

ServerRunner::~ServerRunner() {
  RequestShutdown();
  if (readiness_thread_.joinable()) readiness_thread_.join();
  StopNow();
}

void ServerRunner::StopNow() {
  if (front_ != nullptr) front_->StopAccepting();
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
  server_.reset();
  // The front stays (stopped) for the metrics that read it.
  if (front_ != nullptr) front_->Stop();
}

void ServerRunner::AddService(grpc::Service* service) {
  services_.push_back(service);
}

void ServerRunner::AddInterceptorFactory(
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
        factory) {
  interceptor_factories_.push_back(std::move(factory));
}

void ServerRunner::SetReadinessCheck(std::function<absl::Status()> check) {
  readiness_check_ = std::move(check);
}

void ServerRunner::GateOnDatabase(Executor& executor) {
  executor.SetDependency("the database",
                         [this] { return database_up_.load(); });
}

void ServerRunner::SetDatabaseCheck(std::function<absl::Status()> check) {
  database_check_ = std::move(check);
}

absl::Status ServerRunner::Start() {
  auto listen = ParseHostPort(options_.listen);
  if (!listen.ok()) return listen.status();
  // Fail closed: every method says which role it needs.
  if (absl::Status declared = CheckRolesDeclared(
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
              service_name_));
      !declared.ok()) {
    return declared;
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  // No listening port: the port is the front's (common/grpc/grpc_front.h),
  // which hands gRPC each connection it accepts.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             options_.max_concurrent_streams);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  for (grpc::Service* service : services_) builder.RegisterService(service);

  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      factories;
  // First: it turns gRPC's answer to an undecodable request into the
  // status the log line and metrics then record.
  factories.push_back(MakeRequestDecodeInterceptorFactory());
  factories.push_back(MakeRpcLogInterceptorFactory(&metrics_));
  for (auto& factory : interceptor_factories_) {
    factories.push_back(std::move(factory));
  }
  interceptor_factories_.clear();
  if (options_.inject_delay_ms > 0) {
    factories.push_back(MakeDelayInterceptorFactory(
        std::chrono::milliseconds(options_.inject_delay_ms)));
  }
  builder.experimental().SetInterceptorCreators(std::move(factories));

  server_ = builder.BuildAndStart();
  if (server_ == nullptr) return absl::InternalError("gRPC did not start");
  // A client may leave this many streams unanswered (cancelled ones the
  // server has not caught up with included) before it is taken to ignore
  // MAX_CONCURRENT_STREAMS.
  front_ = std::make_unique<GrpcFront>(
      server_.get(), 8 * static_cast<size_t>(options_.max_concurrent_streams));
  auto bound = front_->Start(*listen, options_.tls);
  if (!bound.ok()) {
    StopNow();
    return bound.status();
  }
  port_ = *bound;
  metrics_.AddCounter(
      "nml_grpc_connections_closed_abusive_total",
      "Client connections closed with GOAWAY for resetting streams as fast "
      "as they opened them (HTTP/2 rapid reset)",
      [this] { return static_cast<double>(front_->abusive_closed()); });
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus(false);
  health->SetServingStatus(service_name_, false);
  metrics_.AddGauge("nml_serving", "1 while health reports SERVING",
                    [this] { return serving_.load() ? 1.0 : 0.0; });

  if (!options_.metrics_listen.empty()) {
    metrics_server_ = std::make_unique<MetricsServer>(
        [this] { return metrics_.RenderPrometheus(); });
    auto bound = metrics_server_->Start(options_.metrics_listen);
    if (!bound.ok()) {
      StopNow();
      return bound.status();
    }
    metrics_port_ = *bound;
  }
  readiness_thread_ = std::thread([this] { ReadinessLoop(); });
  spdlog::info("{} listening on {}:{}", service_name_, listen->host, port_);
  return absl::OkStatus();
}

void ServerRunner::ReadinessLoop() {
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus(std::string(kLivenessService), true);
  const auto timeout = std::chrono::milliseconds(options_.health_timeout_ms);
  std::unique_ptr<TimedCheck> database;
  if (database_check_) {
    database = std::make_unique<TimedCheck>("the database", database_check_);
  }
  std::unique_ptr<TimedCheck> readiness;
  if (readiness_check_) {
    readiness = std::make_unique<TimedCheck>("readiness", readiness_check_);
  }
  bool first = true;
  bool database_up = false;
  for (;;) {
    const absl::Status database_status =
        database ? database->Poll(timeout) : absl::OkStatus();
    const absl::Status status =
        readiness ? readiness->Poll(timeout) : database_status;
    absl::MutexLock lock(&mu_);
    if (shutdown_requested_) return;
    if (database && (first || database_status.ok() != database_up)) {
      database_up = database_status.ok();
      database_up_ = database_up;
      health->SetServingStatus(std::string(kDatabaseService), database_up);
      if (!first || !database_up) {
        spdlog::log(
            database_up ? spdlog::level::info : spdlog::level::warn,
            "database: {}",
            database_up ? "answering" : std::string(database_status.message()));
      }
    }
    const bool ready = status.ok();
    if (first || ready != serving_.load()) {
      health->SetServingStatus("", ready);
      health->SetServingStatus(service_name_, ready);
      serving_ = ready;
      if (ready) {
        spdlog::info("health: SERVING");
      } else {
        spdlog::warn("health: NOT_SERVING ({})", std::string(status.message()));
      }
      first = false;
    }
    const absl::Time deadline =
        absl::Now() + absl::Milliseconds(options_.health_interval_ms);
    while (!shutdown_requested_ && !changed_.WaitWithDeadline(&mu_, deadline)) {
    }
    if (shutdown_requested_) return;
  }
}

void ServerRunner::OnShutdown(std::function<void()> hook) {
  shutdown_hooks_.push_back(std::move(hook));
}

void ServerRunner::RequestShutdown() {
  {
    absl::MutexLock lock(&mu_);
    shutdown_requested_ = true;
  }
  changed_.SignalAll();
}

void ServerRunner::Wait() {
  std::thread signal_waiter([this] {
    const sigset_t set = TerminationSignals();
    const timespec poll{0, 100 * 1000 * 1000};
    for (;;) {
      {
        absl::MutexLock lock(&mu_);
        if (shutdown_requested_) return;
      }
      const int sig = sigtimedwait(&set, nullptr, &poll);
      if (sig > 0) {
        spdlog::info("received {}, shutting down (grace {} ms)",
                     sig == SIGTERM ? "SIGTERM" : "SIGINT",
                     options_.shutdown_grace_ms);
        RequestShutdown();
        return;
      }
    }
  });
  {
    absl::MutexLock lock(&mu_);
    while (!shutdown_requested_) changed_.Wait(&mu_);
  }
  signal_waiter.join();
  if (readiness_thread_.joinable()) readiness_thread_.join();

  serving_ = false;
  // NOT_SERVING for everyone, and Watch streams end, before the listener
  // closes: load balancers stop sending new calls.
  server_->GetHealthCheckService()->Shutdown();
  const auto started = std::chrono::steady_clock::now();
  for (const auto& hook : shutdown_hooks_) hook();
  front_->StopAccepting();
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(options_.shutdown_grace_ms));
  server_->Wait();
  // gRPC closes its ends of the front's relays as it goes; the front then
  // relays what is still on its way (the last answers) before it closes.
  server_.reset();
  front_->Stop();
  // Scrapes answer until the end, so the last figures can be read.
  if (metrics_server_ != nullptr) metrics_server_->Stop();
  spdlog::info("shut down in {} ms",
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count());
}

}  // namespace nml::common
