// PgResponsesStore: the stakeholder methods.
#include <absl/strings/str_cat.h>

#include <pqxx/pqxx>

#include "common/api/names.h"
#include "common/api/status.h"
#include "common/pg/columns.h"
#include "common/pg/idempotency.h"
#include "common/pg/transaction.h"
#include "services/responses/pg_responses_rows.h"
#include "services/responses/pg_responses_store.h"

namespace nml::responses {

absl::StatusOr<std::vector<v1::Stakeholder>> PgResponsesStore::AllStakeholders(
    int64_t min_version, int64_t* data_version) {
  const auto read = ReadRows(min_version, false, [](pqxx::nontransaction& tx) {
    return tx.exec_prepared("read_all_stakeholders");
  });
  if (!read.ok()) return read.status();
  std::vector<v1::Stakeholder> result;
  for (const pqxx::row& row : read->rows) {
    result.push_back(ReadStakeholder(row));
  }
  *data_version = read->version;
  return result;
}

absl::StatusOr<std::optional<v1::Stakeholder>> PgResponsesStore::GetStakeholder(
    const std::string& id, int64_t min_version, int64_t* data_version) {
  const auto read = ReadRows(min_version, true, [&](pqxx::nontransaction& tx) {
    return tx.exec_prepared("read_stakeholder", id);
  });
  if (!read.ok()) return read.status();
  *data_version = read->version;
  if (read->rows.empty()) return std::nullopt;
  return ReadStakeholder(read->rows[0]);
}

absl::StatusOr<Written<v1::Stakeholder>> PgResponsesStore::CreateStakeholder(
    const v1::Stakeholder& s, const Idempotency& idempotency) {
  return common::Transact<pqxx::work>(
      pool_, [&](pqxx::work& tx) -> absl::StatusOr<Written<v1::Stakeholder>> {
        Written<v1::Stakeholder> written;
        auto replayed = ReplayInto(tx, idempotency, written);
        if (!replayed.ok()) return replayed.status();
        if (*replayed) {
          return written;
        }
        const std::string id = IdOf(s.name());
        if (!tx.exec_prepared("stakeholder_id_taken", id).empty()) {
          return absl::AlreadyExistsError(
              absl::StrCat(s.name(), " already exists"));
        }
        tx.exec_prepared("insert_stakeholder", id, s.display_name(),
                         common::JsonArray(s.aliases()),
                         static_cast<int>(s.type()), s.country_code());
        written.value =
            ReadStakeholder(tx.exec_prepared1("get_stakeholder", id));
        common::StoreAnswer(tx, idempotency, written.value.SerializeAsString());
        written.data_version = Version(tx);
        return written;
      });
}

absl::StatusOr<Written<v1::Stakeholder>> PgResponsesStore::UpdateStakeholder(
    const std::string& id,
    const std::function<absl::Status(v1::Stakeholder&)>& update) {
  return common::Transact<pqxx::work>(
      pool_, [&](pqxx::work& tx) -> absl::StatusOr<Written<v1::Stakeholder>> {
        Written<v1::Stakeholder> written;
        auto locked = LockStakeholder(tx, id);
        if (!locked.ok()) return locked.status();
        v1::Stakeholder s = *std::move(locked);
        if (auto st = update(s); !st.ok()) return st;
        tx.exec_prepared("update_stakeholder", id, s.display_name(),
                         common::JsonArray(s.aliases()),
                         static_cast<int>(s.type()), s.country_code());
        written.value =
            ReadStakeholder(tx.exec_prepared1("get_stakeholder", id));
        written.data_version = Version(tx);
        return written;
      });
}

absl::StatusOr<int64_t> PgResponsesStore::DeleteStakeholder(
    const std::string& id, const std::string& etag) {
  return common::Transact<pqxx::work>(
      pool_, [&](pqxx::work& tx) -> absl::StatusOr<int64_t> {
        int64_t version = 0;
        auto locked = LockStakeholder(tx, id);
        if (!locked.ok()) return locked.status();
        if (auto st = common::CheckEtag(etag, locked->etag(), "etag");
            !st.ok()) {
          return st;
        }
        // Deleted responses still name their stakeholder (they can be
        // undeleted), so they keep it too.
        const pqxx::row uses = tx.exec_prepared1("stakeholder_in_use", id);
        if (const int64_t all = uses["all_responses"].as<int64_t>(); all > 0) {
          return absl::FailedPreconditionError(absl::StrCat(
              "stakeholders/", id, " still has responses (", all, " in all, ",
              uses["live"].as<int64_t>(),
              " live); a stakeholder with responses, deleted ones included, "
              "cannot be deleted"));
        }
        tx.exec_prepared("delete_stakeholder", id);
        version = Version(tx);
        return version;
      });
}

}  // namespace nml::responses
