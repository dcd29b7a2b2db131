#pragma once

#include <pqxx/pqxx>

#include "common/pg/pool.h"
#include "services/listings/listings_store.h"

namespace nml::listings {

// ListingsStore on PostgreSQL (libpqxx), through the shared pool. Every
// statement is prepared once per connection; nothing is assembled from input.
class PgListingsStore final : public ListingsStore {
 public:
  // The change log keeps the changes of the last `retained_versions` data
  // versions; older ones are pruned by the writes that pass them.
  explicit PgListingsStore(common::PgPool& pool,
                           int64_t retained_versions = 100000)
      : pool_(pool), retained_versions_(retained_versions) {}

  // Prepares this store's statements on a new pool connection.
  static void PrepareStatements(pqxx::connection& connection);

  absl::StatusOr<SnapshotData> LoadAll() override;
  absl::StatusOr<WriteResult> Write(const WriteRequest& request,
                                    const Planner& plan,
                                    const SnapshotData* known) override;
  absl::StatusOr<int64_t> CurrentVersion() override;
  absl::StatusOr<ChangePage> ListChanges(int64_t since, int64_t after_seq,
                                         int limit) override;

 private:
  common::PgPool& pool_;
  const int64_t retained_versions_;
};

}  // namespace nml::listings
