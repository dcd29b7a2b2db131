// nml-health-check: asks a gRPC server's grpc.health.v1 service whether it
// is SERVING. For container health checks and scripts (Debian has no
// grpc_health_probe).
//
// Exit status: 0 SERVING, 1 any other answer, 2 no answer (unreachable,
// timeout, bad flags).
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "common/config.h"
#include "common/tls.h"
#include "grpc/health/v1/health.grpc.pb.h"

int main(int argc, char** argv) {
  std::string addr = "127.0.0.1:50051";
  std::string service;
  int timeout_ms = 2000;
  bool quiet = false;
  nml::common::ClientTlsOptions tls;
  CLI::App app{"Checks a gRPC server's health (grpc.health.v1)",
               "nml-health-check"};
  app.add_option("--addr", addr, "Server address, host:port")
      ->envname("NML_HEALTH_ADDR")
      ->capture_default_str();
  app.add_option("--service", service,
                 "Service to ask about; empty for the whole server")
      ->capture_default_str();
  app.add_option("--timeout-ms", timeout_ms, "Deadline of the check")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  app.add_flag("-q,--quiet", quiet, "Print nothing; use the exit status");
  nml::common::AddClientTlsFlags(app, tls, "health-", "the server");
  nml::common::ParseOrExit(app, argc, argv);

  auto credentials = nml::common::MakeChannelCredentials(tls);
  if (!credentials.ok()) {
    std::fprintf(stderr, "nml-health-check: %s\n",
                 std::string(credentials.status().message()).c_str());
    return 2;
  }
  auto channel = grpc::CreateChannel(addr, *credentials);
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(timeout_ms));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    if (!quiet) {
      std::fprintf(stderr, "nml-health-check: %s: %s\n", addr.c_str(),
                   status.error_message().c_str());
    }
    return 2;
  }
  const std::string name =
      grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
          response.status());
  if (!quiet) std::printf("%s\n", name.c_str());
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? 0
             : 1;
}
