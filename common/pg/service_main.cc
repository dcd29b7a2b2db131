#include "common/pg/service_main.h"

#include <spdlog/spdlog.h>

#include "common/grpc/server.h"
#include "common/pg/pool.h"

namespace nml::common {

void AddDatabaseServiceFlags(CLI::App& app, DatabaseServiceConfig& config,
                             std::string default_listen) {
  AddServerFlags(app, config.server, std::move(default_listen));
  AddDatabaseFlags(app, config.database);
  AddLogFlags(app, config.log);
  AddPageTokenFlags(app, config.page_token_key);
  app.add_flag("--migrate-only", config.migrate_only,
               "Apply database migrations and exit")
      ->envname("NML_MIGRATE_ONLY");
  app.add_option("--changes-retained-versions",
                 config.changes_retained_versions,
                 "Data versions the change log (ListChanges) keeps; a "
                 "follower further behind resyncs from an export")
      ->envname("NML_CHANGES_RETAINED_VERSIONS")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--watch-heartbeat-ms", config.watch_heartbeat_ms,
                 "How long a WatchChanges stream goes without a message "
                 "before a heartbeat")
      ->envname("NML_WATCH_HEARTBEAT_MS")
      ->check(CLI::Range(100, 3600 * 1000))
      ->capture_default_str();
  app.add_option("--read-wait-ms", config.read_wait_ms,
                 "How long a read asking for a data version this instance "
                 "has not caught up with (x-nml-min-data-version) waits for "
                 "it before UNAVAILABLE, so the client retries elsewhere")
      ->envname("NML_READ_WAIT_MS")
      ->check(CLI::Range(0, 60 * 1000))
      ->capture_default_str();
}

void MigrateOrExit(const std::string& program,
                   const DatabaseServiceConfig& config,
                   std::string_view lock_name,
                   const std::vector<Migration>& migrations) {
  auto connection = ConnectWithRetry(config.database, program + "-migrate");
  if (!connection.ok()) ExitWithError(program, connection.status());
  auto result = ApplyMigrations(**connection, lock_name, migrations);
  if (!result.ok()) ExitWithError(program, result.status());
  spdlog::info("database schema at version {} ({} migration(s) applied)",
               result->current_version, result->applied);
}

}  // namespace nml::common
