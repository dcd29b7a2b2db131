// nml-responses: wiring only. See responses_service.h for the RPCs.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/grpc/logging.h"
#include "common/grpc/server.h"
#include "common/pg/pool.h"
#include "common/pg/service_main.h"
#include "common/pg/version_listener.h"
#include "common/tls.h"
#include "services/responses/migrations.h"
#include "services/responses/pg_responses_store.h"
#include "services/responses/responses_service.h"
#include "services/responses/target_checker.h"

int main(int argc, char** argv) {
  nml::common::BlockTerminationSignals();
  const std::string program = "nml-responses";

  nml::common::DatabaseServiceConfig config;
  std::string listings_addr = "127.0.0.1:50051";
  CLI::App app{
      "nml-responses: what stakeholders said about the Notorious Markets "
      "List, over gRPC",
      program};
  nml::common::AuthOptions auth;
  nml::common::AddAuthFlags(app, auth);
  nml::common::AddDatabaseServiceFlags(app, config, "0.0.0.0:50052");
  std::string listings_token;
  nml::common::ClientTlsOptions listings_tls;
  nml::common::AddClientTlsFlags(app, listings_tls, "listings-",
                                 "nml-listings");
  app.add_option("--listings-token", listings_token,
                 "API key this service presents to nml-listings")
      ->envname("NML_LISTINGS_TOKEN");
  app.add_option("--listings-addr", listings_addr,
                 "Address of nml-listings, used to check response targets")
      ->envname("NML_LISTINGS_ADDR")
      ->capture_default_str();
  std::string read_database_url;
  app.add_option("--read-database-url", read_database_url,
                 "A hot standby of --database-url (PostgreSQL streaming "
                 "replication) to read from; reads it has not replayed the "
                 "version of, misses and reads while it is down go to the "
                 "primary. Empty: every read goes to the primary")
      ->envname("NML_READ_DATABASE_URL");
  nml::common::ParseOrExit(app, argc, argv);
  nml::common::InitLogging(config.log, program);
  const auto policy = nml::common::LoadAuthPolicyOrExit(program, auth);

  nml::common::MigrateOrExit(program, config, "nml_responses",
                             nml::responses::Migrations());
  if (config.migrate_only) return 0;
  nml::common::ConfigurePageTokens(config.page_token_key);

  nml::common::PgPool pool(config.database, program,
                           nml::responses::PgResponsesStore::PrepareStatements);
  // The standby's pool opens its connections when reads first need them:
  // a standby that is down at start-up costs nothing but a fallback.
  std::unique_ptr<nml::common::PgPool> standby;
  if (!read_database_url.empty()) {
    nml::common::DatabaseOptions options = config.database;
    options.url = read_database_url;
    standby = std::make_unique<nml::common::PgPool>(
        options, program + "-standby",
        nml::responses::PgResponsesStore::PrepareStatements);
  }
  nml::responses::PgResponsesStore store(pool, standby.get());
  if (auto kept = store.KeepChanges(config.changes_retained_versions);
      !kept.ok()) {
    nml::common::ExitWithError(program, kept);
  }
  auto listings_credentials = nml::common::MakeChannelCredentials(listings_tls);
  if (!listings_credentials.ok()) {
    nml::common::ExitWithError(program, listings_credentials.status(), 2);
  }
  // One channel to nml-listings for the life of the process.
  nml::responses::ListingsTargetChecker targets(
      nml::responses::ListingsTargetChecker::MakeChannel(listings_addr,
                                                         *listings_credentials),
      listings_token);
  nml::common::Executor executor(config.server.workers,
                                 config.server.queue_limit);
  nml::responses::ResponsesHandlers handlers(
      store, targets, static_cast<size_t>(config.server.max_message_bytes));
  nml::responses::ResponsesServiceImpl service(
      handlers, executor, std::chrono::milliseconds(config.watch_heartbeat_ms));
  // Every write's NOTIFY (the triggers of migration 005) wakes the watchers.
  nml::common::VersionListener versions(
      config.database, "nml_responses_changed", program + "-listen",
      [&service](int64_t version) { service.Advanced(version); });
  versions.Start();
  nml::common::DatabaseProbe probe(config.database, program + "-health");

  nml::common::ServerRunner runner("nml.responses.v1.ResponsesService",
                                   config.server);
  runner.AddService(&service);
  runner.AddInterceptorFactory(nml::common::MakeAuthInterceptorFactory(policy));
  // Every RPC needs the database: readiness is the database check.
  runner.SetDatabaseCheck([&probe] { return probe.Check(); });
  runner.OnShutdown([&service] { service.StopWatches(); });
  nml::common::AddChangeWatchMetrics(runner.metrics(), service.watches());
  runner.GateOnDatabase(executor);
  nml::common::AddExecutorMetrics(runner.metrics(), executor);
  nml::common::AddPoolMetrics(runner.metrics(), pool);
  store.reads().AddMetrics(runner.metrics());
  if (auto status = runner.Start(); !status.ok()) {
    nml::common::ExitWithError(program, status);
  }
  runner.Wait();
  versions.Stop();
  executor.Shutdown();
  spdlog::info("stopped");
  return 0;
}
