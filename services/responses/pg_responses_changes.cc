// The change feed of the PostgreSQL store: the `changes` table the row
// triggers of migration 005 fill, read a page at a time.
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include <map>

#include "common/api/names.h"
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
  return common::Transact<pqxx::work>(
             pool_,
             [&](pqxx::work& tx) -> absl::StatusOr<bool> {
               tx.exec_prepared("keep_changes", versions);
               return true;
             })
      .status();
}

absl::StatusOr<ResponsesStore::ChangePage> PgResponsesStore::ListChanges(
    int64_t since, int64_t after_seq, int limit) {
  return common::Transact<pqxx::read_transaction>(
      pool_, [&](pqxx::read_transaction& tx) -> absl::StatusOr<ChangePage> {
        ChangePage page;
        // The version first: every change up to it committed with it.
        const auto state = tx.exec_prepared1("read_feed_state");
        page.data_version = state["version"].as<int64_t>();
        page.changes_after = state["changes_after"].as<int64_t>();
        const auto rows = tx.exec_prepared(
            "list_changes", since, page.data_version, after_seq, limit + 1);
        std::vector<int64_t> seqs;
        std::map<int64_t, size_t> at;  // seq -> index in page.changes
        for (const auto& row : rows) {
          if (static_cast<int>(page.changes.size()) == limit) {
            page.more = true;
            break;
          }
          v1::ResourceChange& change = page.changes.emplace_back();
          page.last_seq = row["seq"].as<int64_t>();
          change.set_data_version(row["data_version"].as<int64_t>());
          change.set_name(row["resource"].as<std::string>());
          // The log's `kind` holds the contract's ChangeKind number.
          change.set_kind(static_cast<v1::ChangeKind>(row["kind"].as<int>()));
          const bool deleted = change.kind() == v1::CHANGE_KIND_DELETED;
          if (!deleted) {
            seqs.push_back(page.last_seq);
            at[page.last_seq] = page.changes.size() - 1;
          }
        }
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
