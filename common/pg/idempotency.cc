#include "common/pg/idempotency.h"

#include <absl/strings/escaping.h>

namespace nml::common {

void PrepareIdempotencyStatements(pqxx::connection& c) {
  c.prepare("idempotency_lock",
            "SELECT pg_advisory_xact_lock(hashtext('request:' || $1))");
  c.prepare("idempotency_get",
            "SELECT method, request_hash = md5($2) AS same_request, "
            "encode(response, 'hex') AS response_hex "
            "FROM idempotency_keys WHERE request_id = $1");
  c.prepare("idempotency_put",
            "INSERT INTO idempotency_keys (request_id, method, request_hash, "
            "response) VALUES ($1, $2, md5($3), decode($4, 'hex'))");
}

absl::StatusOr<std::optional<std::string>> FindStoredAnswer(
    pqxx::transaction_base& tx, const IdempotencyKey& key) {
  if (key.request_id.empty()) return std::nullopt;
  tx.exec_prepared("idempotency_lock", key.request_id);
  const pqxx::result seen =
      tx.exec_prepared("idempotency_get", key.request_id,
                       absl::BytesToHexString(key.request_bytes));
  if (seen.empty()) return std::nullopt;
  if (seen[0]["method"].as<std::string>() != key.method ||
      !seen[0]["same_request"].as<bool>()) {
    return absl::AlreadyExistsError(
        "request_id: already used for a different request");
  }
  return absl::HexStringToBytes(seen[0]["response_hex"].as<std::string>());
}

void StoreAnswer(pqxx::transaction_base& tx, const IdempotencyKey& key,
                 const std::string& answer) {
  if (key.request_id.empty()) return;
  tx.exec_prepared("idempotency_put", key.request_id, key.method,
                   absl::BytesToHexString(key.request_bytes),
                   absl::BytesToHexString(answer));
}

}  // namespace nml::common
