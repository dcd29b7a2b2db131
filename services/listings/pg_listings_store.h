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
  absl::StatusOr<int64_t> CurrentVersion() override;
  absl::StatusOr<ChangePage> ListChanges(int64_t since, int64_t after_seq,
                                         int limit) override;
  // The data versions the change log keeps (--changes-retained-versions);
  // the writes that pass them prune the older ones.
  absl::Status KeepChanges(int64_t versions);

 private:
  common::PgPool& pool_;
};

}  // namespace nml::listings
