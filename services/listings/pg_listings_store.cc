#include "services/listings/pg_listings_store.h"

#include <pqxx/pqxx>

namespace nml::listings {

void PgListingsStore::PrepareStatements(pqxx::connection& connection) {
  connection.prepare(
      "read_data_state",
      "SELECT version, extract(epoch FROM last_import_time)::float8 "
      "FROM data_state");
}

absl::StatusOr<ListingsStore::DataState> PgListingsStore::ReadDataState() {
  DataState state;
  absl::Status status = pool_.Run([&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    const pqxx::row row = tx.exec_prepared1("read_data_state");
    state.version = row[0].as<int64_t>();
    if (!row[1].is_null()) {
      state.last_import_time =
          absl::FromUnixMicros(static_cast<int64_t>(row[1].as<double>() * 1e6));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return state;
}

}  // namespace nml::listings
