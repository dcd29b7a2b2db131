// The change feed of the PostgreSQL store: the `changes` table the row
// triggers of migration 005 fill, read a page at a time.
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include <map>

#include "common/api/names.h"
#include "common/pg/change_log.h"
#include "common/pg/transaction.h"
#include "services/responses/pg_responses_rows.h"
#include "services/responses/pg_responses_store.h"

namespace nml::responses {

void PgResponsesStore::PrepareChangeStatements(pqxx::connection& c) {
  // The rows as written, read back through the usual column lists: a CTE
  // of the recorded rows, named as the table, stands in for it.
  c.prepare("changed_responses",
            absl::StrCat("WITH responses AS (SELECT (jsonb_populate_record("
                         "NULL::responses, c.body)).*, c.seq AS change_seq "
                         "FROM changes c WHERE c.seq = ANY($1::bigint[]) "
                         "AND c.kind = 1 AND c.resource LIKE 'responses/%') "
                         "SELECT r.change_seq, ",
                         ResponseColumns()));
  c.prepare("changed_stakeholders",
            absl::StrCat("WITH stakeholders AS (SELECT (jsonb_populate_record("
                         "NULL::stakeholders, c.body)).*, c.seq AS change_seq "
                         "FROM changes c WHERE c.seq = ANY($1::bigint[]) "
                         "AND c.kind = 1 AND c.resource LIKE 'stakeholders/%') "
                         "SELECT change_seq, ",
                         StakeholderColumns()));
}

absl::Status PgResponsesStore::KeepChanges(int64_t versions) {
  return common::KeepChanges(pool_, versions);
}

absl::StatusOr<ResponsesStore::ChangePage> PgResponsesStore::ListChanges(
    int64_t since, int64_t after_seq, int limit) {
  return common::Transact<pqxx::read_transaction>(
      pool_, [&](pqxx::read_transaction& tx) -> absl::StatusOr<ChangePage> {
        // The written rows' bodies are read after the page, in two
        // statements: seq -> index in page.changes.
        std::map<int64_t, size_t> at;
        std::vector<int64_t> seqs;
        size_t next = 0;  // the index of the change being filled
        ChangePage page = common::ReadChangePage<v1::ResourceChange>(
            tx, since, after_seq, limit,
            [&](const pqxx::row& row, common::ChangeKind kind,
                v1::ResourceChange& change) {
              change.set_data_version(row["data_version"].as<int64_t>());
              change.set_name(row["resource"].as<std::string>());
              change.set_kind(static_cast<v1::ChangeKind>(kind));
              const size_t index = next++;
              if (kind == common::ChangeKind::kWritten) {
                const int64_t seq = row["seq"].as<int64_t>();
                seqs.push_back(seq);
                at[seq] = index;
              }
            });
        if (seqs.empty()) return page;
        const std::string array =
            absl::StrCat("{", absl::StrJoin(seqs, ","), "}");
        for (const auto& row : tx.exec_prepared("changed_responses", array)) {
          *page.changes[at.at(row["change_seq"].as<int64_t>())]
               .mutable_response() = ReadResponse(row);
        }
        for (const auto& row :
             tx.exec_prepared("changed_stakeholders", array)) {
          *page.changes[at.at(row["change_seq"].as<int64_t>())]
               .mutable_stakeholder() = ReadStakeholder(row);
        }
        return page;
      });
}

}  // namespace nml::responses
