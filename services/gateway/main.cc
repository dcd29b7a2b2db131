// nml-gateway: wiring only. The composed reads are in gateway_service.h, the
// REST/JSON front in http_front.h.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "common/auth.h"
#include "common/config.h"
#include "common/logging.h"
#include "common/server.h"
#include "common/tls.h"
#include "nml/gateway/v1/gateway_service.grpc.pb.h"
#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"
#include "services/gateway/gateway_service.h"
#include "services/gateway/http_front.h"
#include "services/gateway/routes.h"

int main(int argc, char** argv) {
  nml::common::BlockTerminationSignals();
  const std::string program = "nml-gateway";

  nml::common::LogOptions log;
  nml::common::ServerOptions server;
  nml::gateway::HttpFront::Options http;
  std::string listings_addr = "127.0.0.1:50051";
  std::string responses_addr = "127.0.0.1:50052";
  int backend_timeout_ms = 10000;
  nml::common::ClientTlsOptions backend_tls;
  CLI::App app{
      "nml-gateway: one front for nml's listings and responses, over gRPC and "
      "REST/JSON",
      program};
  nml::common::AddServerFlags(app, server, "0.0.0.0:50050");
  nml::common::AddLogFlags(app, log);
  nml::common::AuthOptions auth;
  nml::common::AddAuthFlags(app, auth);
  app.add_option("--listings-addr", listings_addr, "Address of nml-listings")
      ->envname("NML_LISTINGS_ADDR")
      ->capture_default_str();
  app.add_option("--responses-addr", responses_addr, "Address of nml-responses")
      ->envname("NML_RESPONSES_ADDR")
      ->capture_default_str();
  app.add_option("--http-listen", http.listen,
                 "REST/JSON listen address, host:port")
      ->envname("NML_HTTP_LISTEN")
      ->capture_default_str();
  app.add_option("--http-threads", http.threads,
                 "Threads serving HTTP requests")
      ->envname("NML_HTTP_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--backend-timeout-ms", backend_timeout_ms,
                 "Deadline of a backend call when the caller sets none")
      ->envname("NML_BACKEND_TIMEOUT_MS")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  nml::common::AddClientTlsFlags(app, backend_tls, "backend-", "the backends");
  nml::common::AddServerTlsFlags(app, http.tls, "http-");
  nml::common::ParseOrExit(app, argc, argv);
  if (auto parsed = nml::common::ParseHostPort(http.listen); !parsed.ok()) {
    nml::common::ExitWithError(
        program,
        absl::InvalidArgumentError(absl::StrCat(
            "configuration error: --http-listen: ", parsed.status().message())),
        2);
  }
  nml::common::InitLogging(log, program);
  const auto policy = nml::common::LoadAuthPolicyOrExit(program, auth);
  http.call_timeout = std::chrono::milliseconds(backend_timeout_ms);

  // One channel per backend for the life of the process, round-robin over
  // every address a name resolves to (a headless Kubernetes Service's pods).
  auto backend_credentials = nml::common::MakeChannelCredentials(backend_tls);
  if (!backend_credentials.ok()) {
    nml::common::ExitWithError(program, backend_credentials.status(), 2);
  }
  grpc::ChannelArguments balanced;
  balanced.SetLoadBalancingPolicyName("round_robin");
  auto listings =
      grpc::CreateCustomChannel(listings_addr, *backend_credentials, balanced);
  auto responses =
      grpc::CreateCustomChannel(responses_addr, *backend_credentials, balanced);
  nml::gateway::GatewayServiceImpl service(
      listings, responses, std::chrono::milliseconds(backend_timeout_ms));

  nml::common::ServerRunner runner("nml.gateway.v1.GatewayService", server);
  runner.AddService(&service);
  runner.AddInterceptorFactory(nml::common::MakeAuthInterceptorFactory(policy));
  if (auto status = runner.Start(); !status.ok()) {
    nml::common::ExitWithError(program, status);
  }

  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  auto routes = nml::gateway::RouteTable::FromServices(
      {pool->FindServiceByName("nml.listings.v1.ListingsService"),
       pool->FindServiceByName("nml.responses.v1.ResponsesService"),
       pool->FindServiceByName("nml.gateway.v1.GatewayService")});
  if (!routes.ok()) nml::common::ExitWithError(program, routes.status());
  // The HTTP side reaches the gateway's own composed reads over loopback,
  // like any other service.
  // With TLS on the gateway's own listener, its certificate must be signed
  // by the backends' CA and name 127.0.0.1 (scripts/make-certs.sh does).
  auto self = grpc::CreateChannel(absl::StrCat("127.0.0.1:", runner.port()),
                                  server.tls.enabled()
                                      ? *backend_credentials
                                      : grpc::InsecureChannelCredentials());
  nml::gateway::HttpFront front(
      http, std::move(*routes),
      {{"nml.listings.v1.ListingsService", listings},
       {"nml.responses.v1.ResponsesService", responses},
       {"nml.gateway.v1.GatewayService", self}},
      {listings, responses}, &runner.metrics());
  if (auto status = front.Start(); !status.ok()) {
    nml::common::ExitWithError(program, status);
  }
  runner.Wait();
  front.Stop();
  spdlog::info("stopped");
  return 0;
}
