#pragma once

#include <pqxx/pqxx>

#include "common/pg/pool.h"
#include "services/listings/listings_store.h"

namespace nml::listings {

// ListingsStore on PostgreSQL (libpqxx), through the shared pool. Every
// statement is prepared once per connection; nothing is assembled from input.
class PgListingsStore final : public ListingsStore {
 public:
  explicit PgListingsStore(common::PgPool& pool) : pool_(pool) {}

  // Prepares this store's statements on a new pool connection.
  static void PrepareStatements(pqxx::connection& connection);

  absl::StatusOr<SnapshotData> LoadAll() override;
  absl::StatusOr<WriteResult> Write(const WriteRequest& request,
                                    const Planner& plan,
                                    const SnapshotData* known) override;

 private:
  common::PgPool& pool_;
};

}  // namespace nml::listings
