#include "common/pg/migrations.h"

#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>

#include <map>
#include <pqxx/pqxx>

#include "common/pg/errors.h"

namespace nml::common {

absl::StatusOr<MigrationResult> ApplyMigrations(
    pqxx::connection& connection, std::string_view lock_name,
    const std::vector<Migration>& migrations) {
  try {
    pqxx::work tx(connection, "migrate");
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))",
                   std::string(lock_name));
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY,"
        " name text NOT NULL,"
        " checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");

    std::map<int, std::string> applied;  // version -> checksum
    for (const auto& row :
         tx.exec("SELECT version, checksum FROM schema_migrations")) {
      applied.emplace(row["version"].as<int>(),
                      row["checksum"].as<std::string>());
    }

    MigrationResult result;
    int newest_known = 0;
    for (const Migration& m : migrations) {
      newest_known = std::max(newest_known, m.version);
      const std::string checksum =
          tx.exec_params1("SELECT md5($1)", std::string(m.sql))[0]
              .as<std::string>();
      const auto it = applied.find(m.version);
      if (it != applied.end()) {
        if (it->second != checksum) {
          return absl::FailedPreconditionError(absl::StrCat(
              "migration ", std::string(m.name),
              " was applied with different contents; refusing to start "
              "(write a new migration instead of editing an applied one)"));
        }
        continue;
      }
      spdlog::info("applying migration {}", m.name);
      tx.exec(std::string(m.sql));
      tx.exec_params(
          "INSERT INTO schema_migrations (version, name, checksum) "
          "VALUES ($1, $2, $3)",
          m.version, std::string(m.name), checksum);
      ++result.applied;
    }
    for (const auto& [version, checksum] : applied) {
      if (version > newest_known) {
        return absl::FailedPreconditionError(
            absl::StrCat("database schema is at version ", version,
                         ", newer than this binary knows (", newest_known,
                         "); run a newer release"));
      }
    }
    result.current_version =
        tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0]
            .as<int>();
    tx.commit();
    return result;
  } catch (const std::exception& e) {
    spdlog::error("migration failed: {}", e.what());
    const absl::Status status = StatusFromException(e);
    return absl::Status(status.code(),
                        absl::StrCat("migration failed: ", e.what()));
  }
}

}  // namespace nml::common
