#pragma once

#include <absl/status/statusor.h>

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "common/api/idempotency.h"

namespace nml::common {

// AIP-155 request ids over the `idempotency_keys` table that each service's
// first migration creates (request_id, method, request_hash, response).

// Prepares the statements below on a new connection.
void PrepareIdempotencyStatements(pqxx::connection& connection);

// Inside the write's transaction: the stored first answer to `key`, or
// nullopt to go ahead. The request id is locked for the rest of the
// transaction, so a concurrent retry waits for the first and then replays
// it. ALREADY_EXISTS when the id was used for a different request.
absl::StatusOr<std::optional<std::string>> FindStoredAnswer(
    pqxx::transaction_base& tx, const IdempotencyKey& key);

// Records `answer` as the first answer to `key`, in the same transaction as
// the write. Nothing is recorded for a key without a request id.
void StoreAnswer(pqxx::transaction_base& tx, const IdempotencyKey& key,
                 const std::string& answer);

}  // namespace nml::common
