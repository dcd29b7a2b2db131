// The change feed of the PostgreSQL store: the `changes` table the row
// triggers of migrations 005 and 006 fill (each resource as the contract's
// JSON), read a page at a time.
#include <absl/strings/str_cat.h>
#include <google/protobuf/util/json_util.h>

#include "common/api/names.h"
#include "common/pg/change_log.h"
#include "common/pg/transaction.h"
#include "services/responses/pg_responses_rows.h"
#include "services/responses/pg_responses_store.h"

namespace nml::responses {

absl::Status PgResponsesStore::KeepChanges(int64_t versions) {
  return common::KeepChanges(pool_, versions);
}

absl::StatusOr<ResponsesStore::ChangePage> PgResponsesStore::ListChanges(
    int64_t since, int64_t after_seq, int limit) {
  return common::Transact<pqxx::read_transaction>(
      pool_, [&](pqxx::read_transaction& tx) -> absl::StatusOr<ChangePage> {
        absl::Status parsed;
        ChangePage page = common::ReadChangePage<v1::ResourceChange>(
            tx, since, after_seq, limit,
            [&](const pqxx::row& row, common::ChangeKind kind,
                v1::ResourceChange& change) {
              change.set_data_version(row["data_version"].as<int64_t>());
              change.set_name(row["resource"].as<std::string>());
              change.set_kind(static_cast<v1::ChangeKind>(kind));
              if (kind != common::ChangeKind::kWritten || !parsed.ok()) return;
              google::protobuf::Message* resource =
                  change.name().starts_with(common::kResponsesPrefix)
                      ? static_cast<google::protobuf::Message*>(
                            change.mutable_response())
                      : change.mutable_stakeholder();
              if (!google::protobuf::util::JsonStringToMessage(
                       row["body"].as<std::string>(), resource)
                       .ok()) {
                parsed = absl::InternalError(absl::StrCat(
                    "a recorded change of ", change.name(), " does not parse"));
              }
            });
        if (!parsed.ok()) return parsed;
        return page;
      });
}

}  // namespace nml::responses
