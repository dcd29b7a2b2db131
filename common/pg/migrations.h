#pragma once

#include <absl/status/statusor.h>

#include <pqxx/connection>
#include <string>
#include <string_view>
#include <vector>

namespace nml::common {

// One versioned schema change, from a service's migrations/NNN_name.sql.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

struct MigrationResult {
  int applied = 0;          // migrations run by this call
  int current_version = 0;  // highest version in the database afterwards
};

// Brings the schema up to the newest migration, in one transaction, under a
// transaction-scoped advisory lock named after `lock_name`: of several
// instances starting together, one migrates and the others then find
// nothing to do. Applied migrations are recorded in `schema_migrations` with
// a checksum; an applied migration whose text has since changed, or a
// database newer than this binary, is FAILED_PRECONDITION.
absl::StatusOr<MigrationResult> ApplyMigrations(
    pqxx::connection& connection, std::string_view lock_name,
    const std::vector<Migration>& migrations);

}  // namespace nml::common
