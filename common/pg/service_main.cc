#include "common/pg/service_main.h"

#include <spdlog/spdlog.h>

#include "common/pg/pool.h"
#include "common/server.h"

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
