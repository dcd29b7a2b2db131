#include "common/pg/change_log.h"

#include "common/pg/transaction.h"

namespace nml::common {

absl::Status KeepChanges(PgPool& pool, int64_t versions) {
  return Transact<pqxx::work>(pool,
                              [&](pqxx::work& tx) -> absl::StatusOr<bool> {
                                // A fixed statement: the table and column
                                // are the change log's, in both schemas.
                                tx.exec_params(
                                    "UPDATE data_state SET changes_retained = "
                                    "$1 WHERE changes_retained <> $1",
                                    versions);
                                return true;
                              })
      .status();
}

}  // namespace nml::common
