#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/api/filter.h"
#include "common/pg/idempotency.h"
#include "services/responses/responses_store.h"

namespace nml::responses {

// What the PostgreSQL store's files share: the row layouts, the data
// version and the replay of idempotent writes. Only pg_* files include this.

// A row of the `response_rows` or `stakeholder_rows` view (migration 007),
// which every read of a response or a stakeholder selects, read by name.
v1::Response ReadResponse(const pqxx::row& row);
v1::Stakeholder ReadStakeholder(const pqxx::row& row);

// A read in one statement, so in one round trip and without a transaction
// (a statement sees one snapshot): `query`'s rows, each led by the data
// version they were read at; with no rows, one row of the version and
// NULLs. The fixed reads (queries/read_*.sql and the scoped ones) are
// written this way in their files; this wraps the one composed statement,
// ListResponses' filtered page.
std::string WithVersion(std::string_view query);
struct VersionedRows {
  int64_t version = 0;
  std::vector<pqxx::row> rows;  // the query's own columns
};
VersionedRows SplitVersion(const pqxx::result& result);

// The row locked for update, or NOT_FOUND naming the resource.
absl::StatusOr<v1::Response> LockResponse(pqxx::transaction_base& tx,
                                          const std::string& id);
absl::StatusOr<v1::Stakeholder> LockStakeholder(pqxx::transaction_base& tx,
                                                const std::string& id);

// "stakeholders/x" -> "x" (names reaching the store are already checked).
std::string IdOf(const std::string& name);
int64_t Version(pqxx::transaction_base& tx);
// A new random response id.
std::string NewResponseId();
// A response as one row for the `insert_responses` statement, which inserts
// a JSON array of them in array order.
nlohmann::json ResponseRow(const std::string& id,
                           const std::string& stakeholder_id,
                           const v1::Response& r);
// Inserts a response with a new random id; returns the id.
std::string InsertResponse(pqxx::transaction_base& tx, const v1::Response& r);

// A summary scope's statement, `prefix` + "year", "target" or "stakeholder"
// (queries/summarize_stances_by_*.sql, timeline_by_*.sql), and its one
// parameter; a target scope covers the roll-up rows of response_targets
// and the aliases.
std::pair<std::string, std::string> ScopeStatement(
    std::string_view prefix, const ResponsesStore::Scope& scope);

// The filter fields of ListResponses (ResponseFilterSchema) as columns of
// the `response_rows` view; values are bound, never spliced. `targets` covers
// the roll-up targets (response_targets) unless `exact_targets`.
const common::SqlMapping& ResponseSqlMapping(bool exact_targets);

// "ARRAY(SELECT json_array_elements_text($n::json))" for a JSON array
// parameter: a list of names bound as one value.
std::string JsonTextArray(size_t param);

// Fills `written` with the stored first answer when this is a retry of an
// idempotent write; true when it did.
template <typename T>
absl::StatusOr<bool> ReplayInto(pqxx::transaction_base& tx,
                                const Idempotency& idempotency,
                                Written<T>& written) {
  auto stored = common::FindStoredAnswer(tx, idempotency);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return false;
  written.value.ParseFromString(**stored);
  written.replayed = true;
  written.data_version = Version(tx);
  return true;
}

}  // namespace nml::responses
