#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/pg/migrations.h"

namespace nml::common {

// Configuration shared by the services that own a database.
struct DatabaseServiceConfig {
  LogOptions log;
  ServerOptions server;
  DatabaseOptions database;
  // --page-token-key (AddPageTokenFlags); applied by MigrateOrExit's caller
  // through ConfigurePageTokens.
  std::string page_token_key;
  bool migrate_only = false;
  // The change feed: data versions its log keeps, and how long a
  // WatchChanges stream goes without a message before a heartbeat.
  int64_t changes_retained_versions = 100000;
  int watch_heartbeat_ms = 15000;
  // How long a read that asks for a data version this instance has not yet
  // served (x-nml-min-data-version) may wait for it before UNAVAILABLE.
  int read_wait_ms = 1000;
};

void AddDatabaseServiceFlags(CLI::App& app, DatabaseServiceConfig& config,
                             std::string default_listen);

// Waits for the database (up to --db-startup-wait-s) and migrates its
// schema. On failure prints one line and exits non-zero.
void MigrateOrExit(const std::string& program,
                   const DatabaseServiceConfig& config,
                   std::string_view lock_name,
                   const std::vector<Migration>& migrations);

}  // namespace nml::common
