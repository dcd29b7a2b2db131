// nml-gateway: wiring only. See gateway_service.h for the composed reads.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "common/config.h"
#include "common/logging.h"
#include "common/server.h"
#include "services/gateway/gateway_service.h"

int main(int argc, char** argv) {
  nml::common::BlockTerminationSignals();
  const std::string program = "nml-gateway";

  nml::common::LogOptions log;
  nml::common::ServerOptions server;
  std::string listings_addr = "127.0.0.1:50051";
  std::string responses_addr = "127.0.0.1:50052";
  CLI::App app{"nml-gateway: one front for nml's listings and responses",
               program};
  nml::common::AddServerFlags(app, server, "0.0.0.0:50050");
  nml::common::AddLogFlags(app, log);
  app.add_option("--listings-addr", listings_addr, "Address of nml-listings")
      ->envname("NML_LISTINGS_ADDR")
      ->capture_default_str();
  app.add_option("--responses-addr", responses_addr, "Address of nml-responses")
      ->envname("NML_RESPONSES_ADDR")
      ->capture_default_str();
  nml::common::ParseOrExit(app, argc, argv);
  nml::common::InitLogging(log, program);

  // One channel per backend for the life of the process.
  auto listings =
      grpc::CreateChannel(listings_addr, grpc::InsecureChannelCredentials());
  auto responses =
      grpc::CreateChannel(responses_addr, grpc::InsecureChannelCredentials());
  nml::gateway::GatewayServiceImpl service(listings, responses);

  nml::common::ServerRunner runner("nml.gateway.v1.GatewayService", server);
  runner.AddService(&service);
  if (auto status = runner.Start(); !status.ok()) {
    nml::common::ExitWithError(program, status);
  }
  runner.Wait();
  spdlog::info("stopped");
  return 0;
}
