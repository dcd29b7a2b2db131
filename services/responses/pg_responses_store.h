#pragma once

#include <pqxx/pqxx>

#include "common/pg/pool.h"
#include "common/pg/read_router.h"
#include "services/responses/pg_responses_rows.h"
#include "services/responses/responses_store.h"

namespace nml::responses {

// ResponsesStore on PostgreSQL (libpqxx). Fixed statements are prepared per
// connection; the four dynamic queries (List, the two counts of
// SummarizeStances, Timeline) are assembled from allow-listed fragments with
// every value bound as a parameter.
class PgResponsesStore final : public ResponsesStore {
 public:
  // Writes, and reads without a standby, go to `pool`; reads go to
  // `standby` (a hot standby, --read-database-url) when it may answer them
  // (common::ReadRouter).
  explicit PgResponsesStore(common::PgPool& pool,
                            common::PgPool* standby = nullptr)
      : pool_(pool), reads_(pool, standby) {}

  static void PrepareStatements(pqxx::connection& connection);

  absl::StatusOr<std::vector<v1::Stakeholder>> AllStakeholders(
      int64_t min_version, int64_t* data_version) override;
  absl::StatusOr<std::optional<v1::Stakeholder>> GetStakeholder(
      const std::string& id, int64_t min_version,
      int64_t* data_version) override;
  absl::StatusOr<Written<v1::Stakeholder>> CreateStakeholder(
      const v1::Stakeholder& stakeholder,
      const Idempotency& idempotency) override;
  absl::StatusOr<Written<v1::Stakeholder>> UpdateStakeholder(
      const std::string& id,
      const std::function<absl::Status(v1::Stakeholder&)>& update) override;
  absl::StatusOr<int64_t> DeleteStakeholder(const std::string& id,
                                            const std::string& etag) override;
  absl::StatusOr<std::optional<v1::Response>> GetResponse(
      const std::string& id, int64_t min_version,
      int64_t* data_version) override;
  absl::StatusOr<ResponsePage> ListResponses(
      const ResponseQuery& query) override;
  absl::StatusOr<Written<v1::Response>> CreateResponse(
      const v1::Response& response, const Idempotency& idempotency) override;
  absl::StatusOr<Written<v1::Response>> UpdateResponse(
      const std::string& id,
      const std::function<absl::Status(v1::Response&)>& update) override;
  absl::StatusOr<Written<v1::Response>> SetDeleted(
      const std::string& id, bool deleted, const std::string& etag) override;
  absl::StatusOr<Written<v1::ImportResponsesResponse>> ImportResponses(
      const std::vector<ImportRow>& rows,
      const std::vector<v1::RowIssue>& skipped, const Idempotency& idempotency,
      size_t max_answer_bytes) override;
  absl::StatusOr<std::optional<StoredAnswer>> FindStoredAnswer(
      const Idempotency& idempotency) override;
  absl::StatusOr<StanceSummary> SummarizeStances(const Scope& scope) override;
  absl::StatusOr<std::vector<v1::Response>> Timeline(
      const Scope& scope, int64_t* data_version) override;
  // pg_responses_changes.cc
  absl::StatusOr<ChangePage> ListChanges(int64_t since, int64_t after_seq,
                                         int limit) override;
  // The data versions the change log keeps (--changes-retained-versions);
  // the triggers prune to it.
  absl::Status KeepChanges(int64_t versions);

  const common::ReadRouter& reads() const { return reads_; }

 private:
  // One statement's rows at a data version (as queries/read_*.sql, or
  // WithVersion), read where reads_ sends it. `empty_is_miss`: no row means the
  // one row asked for is not there (a Get), which only the primary may say.
  absl::StatusOr<VersionedRows> ReadRows(
      int64_t min_version, bool empty_is_miss,
      const std::function<pqxx::result(pqxx::nontransaction&)>& exec);

  common::PgPool& pool_;
  common::ReadRouter reads_;
};

}  // namespace nml::responses
