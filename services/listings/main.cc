// nml-listings: wiring only. See listings_service.h for the RPCs.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/grpc/logging.h"
#include "common/grpc/server.h"
#include "common/pg/pool.h"
#include "common/pg/service_main.h"
#include "services/listings/listings_service.h"
#include "services/listings/migrations.h"
#include "services/listings/pg_listings_store.h"
#include "services/listings/snapshot_refresher.h"

int main(int argc, char** argv) {
  nml::common::BlockTerminationSignals();
  const std::string program = "nml-listings";

  nml::common::DatabaseServiceConfig config;
  CLI::App app{
      "nml-listings: the Notorious Markets List (reviews, markets, listings, "
      "screening) over gRPC",
      program};
  nml::common::AuthOptions auth;
  nml::common::AddAuthFlags(app, auth);
  nml::common::AddDatabaseServiceFlags(app, config, "0.0.0.0:50051");
  nml::common::ParseOrExit(app, argc, argv);
  nml::common::InitLogging(config.log, program);
  const auto policy = nml::common::LoadAuthPolicyOrExit(program, auth);

  nml::common::MigrateOrExit(program, config, "nml_listings",
                             nml::listings::Migrations());
  if (config.migrate_only) return 0;
  nml::common::ConfigurePageTokens(config.page_token_key);

  nml::common::PgPool pool(config.database, program,
                           nml::listings::PgListingsStore::PrepareStatements);
  nml::listings::PgListingsStore store(pool);
  if (auto kept = store.KeepChanges(config.changes_retained_versions);
      !kept.ok()) {
    nml::common::ExitWithError(program, kept);
  }
  nml::listings::SnapshotHolder snapshots;
  nml::listings::SnapshotRefresher refresher(config.database, store, snapshots);
  if (auto status = refresher.Start(); !status.ok()) {
    nml::common::ExitWithError(program, status);
  }
  nml::common::Executor executor(config.server.workers,
                                 config.server.queue_limit);
  nml::listings::ListingsServiceImpl service(
      store, snapshots, executor,
      static_cast<size_t>(config.server.max_message_bytes),
      std::chrono::milliseconds(config.watch_heartbeat_ms),
      std::chrono::milliseconds(config.read_wait_ms));
  nml::common::DatabaseProbe probe(config.database, program + "-health");

  nml::common::ServerRunner runner("nml.listings.v1.ListingsService",
                                   config.server);
  runner.AddService(&service);
  runner.AddInterceptorFactory(nml::common::MakeAuthInterceptorFactory(policy));
  runner.SetDatabaseCheck([&probe] { return probe.Check(); });
  runner.OnShutdown([&service] { service.StopWatches(); });
  // Ready while it has data to serve: reads (screening among them) come
  // from the snapshot and go on through a database outage, which only
  // writes and the "database" health name show (README, "Health").
  runner.SetReadinessCheck([&snapshots] {
    return snapshots.Get() != nullptr
               ? absl::OkStatus()
               : absl::UnavailableError("no data loaded yet");
  });
  runner.metrics().AddGauge(
      "nml_snapshot_age_seconds", "Age of the served data snapshot", [&] {
        const auto s = snapshots.Get();
        return s ? absl::ToDoubleSeconds(absl::Now() - s->built_at()) : -1.0;
      });
  runner.metrics().AddGauge(
      "nml_data_version", "Data version being served", [&] {
        const auto s = snapshots.Get();
        return s ? static_cast<double>(s->version()) : -1.0;
      });
  runner.metrics().AddGauge(
      "nml_snapshot_listings", "Listings in the served snapshot", [&] {
        const auto s = snapshots.Get();
        return s ? static_cast<double>(s->listings().size()) : 0.0;
      });
  runner.metrics().AddGauge(
      "nml_snapshot_markets", "Markets in the served snapshot", [&] {
        const auto s = snapshots.Get();
        return s ? static_cast<double>(s->markets().size()) : 0.0;
      });
  runner.metrics().AddGauge(
      "nml_snapshot_reload_seconds",
      "How long the last reload took (read everything, build the snapshot)",
      [&] { return refresher.last_reload_seconds(); });
  nml::common::AddChangeWatchMetrics(runner.metrics(), service.watches());
  runner.GateOnDatabase(executor);
  nml::common::AddExecutorMetrics(runner.metrics(), executor);
  nml::common::AddPoolMetrics(runner.metrics(), pool);
  if (auto status = runner.Start(); !status.ok()) {
    nml::common::ExitWithError(program, status);
  }
  runner.Wait();
  executor.Shutdown();
  refresher.Stop();
  spdlog::info("stopped");
  return 0;
}
