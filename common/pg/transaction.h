#pragma once

#include <absl/status/statusor.h>

#include <optional>
#include <pqxx/pqxx>
#include <type_traits>
#include <utility>

#include "common/pg/pool.h"

namespace nml::common {

// The one way a store runs a transaction: `work(tx)` on a pooled connection
// in a transaction of type `Tx` (pqxx::work to write, pqxx::read_transaction
// to read), returning absl::StatusOr<T>. The transaction commits when `work`
// returns a value and rolls back when it returns an error or throws (the
// exception becomes a status, see StatusFromException). Like PgPool::Run,
// `work` runs again on a fresh connection if the first one broke, so it
// must only touch `tx` and what it returns.
template <typename Tx, typename Work>
auto Transact(PgPool& pool, Work&& work) -> std::invoke_result_t<Work, Tx&> {
  using Result = std::invoke_result_t<Work, Tx&>;
  std::optional<Result> result;
  const absl::Status status = pool.Run([&](pqxx::connection& c) {
    Tx tx(c);
    result.emplace(work(tx));
    if (!result->ok()) return result->status();
    tx.commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return *std::move(result);
}

}  // namespace nml::common
