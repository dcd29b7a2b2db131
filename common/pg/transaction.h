#pragma once

#include <absl/status/statusor.h>

#include <optional>
#include <pqxx/pqxx>
#include <string>
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

// The name `sql` is prepared under on this transaction's connection
// (registered with libpqxx, which prepares it on first use), or nullopt
// when kMaxPreparedShapes other texts already have one. Use ExecPrepared.
std::optional<std::string> PreparedName(pqxx::transaction_base& tx,
                                        const std::string& sql);
// Distinct statement texts prepared per connection, at most. Filters are
// user input, so their shapes are unbounded; past this many, the rest run
// unprepared instead of growing every connection's statement cache.
inline constexpr size_t kMaxPreparedShapes = 256;

// Runs `sql`, built at run time from a list's filters and order, as a
// statement prepared once per connection: PostgreSQL parses and plans each
// shape once per connection, not on every call. libpqxx keeps the
// definitions per connection, so a connection opened after a failure
// prepares them again.
template <typename... Args>
pqxx::result ExecPrepared(pqxx::transaction_base& tx, const std::string& sql,
                          Args&&... args) {
  if (const auto name = PreparedName(tx, sql)) {
    return tx.exec_prepared(*name, std::forward<Args>(args)...);
  }
  return tx.exec_params(sql, std::forward<Args>(args)...);
}

}  // namespace nml::common
