// nml-gateway: wiring only. The composed reads are in composer.h, the REST
// side in rest_handler.h (semantics) and http_server.h (transport).
#include <absl/strings/ascii.h>
#include <absl/strings/str_split.h>
#include <grpcpp/security/credentials.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "common/config.h"
#include "common/grpc/auth.h"
#include "common/grpc/backend_channel.h"
#include "common/grpc/logging.h"
#include "common/grpc/server.h"
#include "common/tls.h"
#include "nml/gateway/v1/gateway_service.grpc.pb.h"
#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"
#include "services/gateway/composer.h"
#include "services/gateway/gateway_service.h"
#include "services/gateway/http_server.h"
#include "services/gateway/rest_handler.h"
#include "services/gateway/routes.h"

int main(int argc, char** argv) {
  nml::common::BlockTerminationSignals();
  const std::string program = "nml-gateway";

  nml::common::LogOptions log;
  nml::common::ServerOptions server;
  nml::gateway::HttpServer::Options http;
  nml::gateway::RestHandler::Options rest;
  std::string cors_origins;
  int max_timeout_ms = 300000;
  int header_timeout_ms = 10000;
  int body_timeout_ms = 30000;
  int idle_timeout_ms = 60000;
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
  app.add_option("--http-threads", http.io_threads,
                 "I/O threads of the HTTP side (each serves many connections)")
      ->envname("NML_HTTP_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--http-max-connections", http.max_connections,
                 "Open HTTP connections; one more is answered 503")
      ->envname("NML_HTTP_MAX_CONNECTIONS")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--http-max-in-flight", http.max_in_flight,
                 "HTTP requests waiting on a backend; one more is answered 503")
      ->envname("NML_HTTP_MAX_IN_FLIGHT")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--http-header-timeout-ms", header_timeout_ms,
                 "Time a request's header may take from its first byte")
      ->envname("NML_HTTP_HEADER_TIMEOUT_MS")
      ->check(CLI::Range(10, 600000))
      ->capture_default_str();
  app.add_option("--http-body-timeout-ms", body_timeout_ms,
                 "Time a request's body (and an answer's write) may take")
      ->envname("NML_HTTP_BODY_TIMEOUT_MS")
      ->check(CLI::Range(10, 600000))
      ->capture_default_str();
  app.add_option("--http-idle-timeout-ms", idle_timeout_ms,
                 "Time a keep-alive connection may wait for its next request")
      ->envname("NML_HTTP_IDLE_TIMEOUT_MS")
      ->check(CLI::Range(10, 3600000))
      ->capture_default_str();
  app.add_option("--http-max-body-bytes", http.max_body_bytes,
                 "Largest request body (413 beyond)")
      ->envname("NML_HTTP_MAX_BODY_BYTES")
      ->check(CLI::Range(1024, 64 * 1024 * 1024))
      ->capture_default_str();
  app.add_option("--http-cors-origins", cors_origins,
                 "Comma-separated origins browsers may call from ('*': any)")
      ->envname("NML_HTTP_CORS_ORIGINS");
  app.add_option("--http-max-timeout-ms", max_timeout_ms,
                 "Largest call timeout a REST caller may ask for "
                 "(grpc-timeout or X-Server-Timeout header)")
      ->envname("NML_HTTP_MAX_TIMEOUT_MS")
      ->check(CLI::Range(1, 3600000))
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
  http.header_timeout = std::chrono::milliseconds(header_timeout_ms);
  http.body_timeout = std::chrono::milliseconds(body_timeout_ms);
  http.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);
  rest.default_timeout = std::chrono::milliseconds(backend_timeout_ms);
  rest.max_timeout =
      std::chrono::milliseconds(std::max(max_timeout_ms, backend_timeout_ms));
  for (absl::string_view origin :
       absl::StrSplit(cors_origins, ',', absl::SkipWhitespace())) {
    rest.cors_origins.emplace_back(absl::StripAsciiWhitespace(origin));
  }

  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  auto routes = nml::gateway::RouteTable::FromServices(
      {pool->FindServiceByName("nml.listings.v1.ListingsService"),
       pool->FindServiceByName("nml.responses.v1.ResponsesService"),
       pool->FindServiceByName("nml.gateway.v1.GatewayService")});
  if (!routes.ok()) nml::common::ExitWithError(program, routes.status());

  // One channel per backend for the life of the process
  // (common::MakeBackendChannel: round-robin, in-cluster reconnect backoff),
  // reads retried on another replica (ReadRetryServiceConfig).
  auto backend_credentials = nml::common::MakeChannelCredentials(backend_tls);
  if (!backend_credentials.ok()) {
    nml::common::ExitWithError(program, backend_credentials.status(), 2);
  }
  const std::string retry = nml::gateway::ReadRetryServiceConfig(*routes);
  auto listings = nml::common::MakeBackendChannel(listings_addr,
                                                  *backend_credentials, retry);
  auto responses = nml::common::MakeBackendChannel(responses_addr,
                                                   *backend_credentials, retry);
  if (auto composed = nml::gateway::Composer::CheckEveryMethodComposed();
      !composed.ok()) {
    nml::common::ExitWithError(program, composed);
  }
  nml::gateway::Composer composer(listings, responses);
  nml::gateway::GatewayServiceImpl service(
      &composer, std::chrono::milliseconds(backend_timeout_ms));

  nml::common::ServerRunner runner("nml.gateway.v1.GatewayService", server);
  runner.AddService(&service);
  runner.AddInterceptorFactory(nml::common::MakeAuthInterceptorFactory(policy));
  if (auto status = runner.Start(); !status.ok()) {
    nml::common::ExitWithError(program, status);
  }

  nml::gateway::RestHandler handler(
      rest, std::move(*routes),
      {{"nml.listings.v1.ListingsService", listings},
       {"nml.responses.v1.ResponsesService", responses}},
      &composer, policy, &runner.metrics());
  nml::gateway::HttpServer front(http, &handler);
  if (auto status = front.Start(); !status.ok()) {
    nml::common::ExitWithError(program, status);
  }
  runner.Wait();
  front.Stop();
  spdlog::info("stopped");
  return 0;
}
