#include "services/responses/pg_responses_store.h"

#include <absl/strings/str_cat.h>

#include <pqxx/pqxx>

#include "common/api/names.h"
#include "common/api/status.h"
#include "common/pg/columns.h"
#include "common/pg/idempotency.h"
#include "common/pg/queries.h"
#include "common/pg/transaction.h"
#include "services/responses/pg_responses_rows.h"
#include "services/responses/queries.h"

namespace nml::responses {

void PgResponsesStore::PrepareStatements(pqxx::connection& c) {
  common::PrepareIdempotencyStatements(c);
  common::PrepareQueries(c, Queries());
}

absl::StatusOr<VersionedRows> PgResponsesStore::ReadRows(
    int64_t min_version, bool empty_is_miss,
    const std::function<pqxx::result(pqxx::nontransaction&)>& exec) {
  return reads_.Read(
      min_version,
      [&](common::PgPool& pool) {
        return common::Transact<pqxx::nontransaction>(
            pool,
            [&](pqxx::nontransaction& tx) -> absl::StatusOr<VersionedRows> {
              return SplitVersion(exec(tx));
            });
      },
      [empty_is_miss](const VersionedRows& read) {
        return common::ReadRouter::Seen{
            .version = read.version,
            .miss = empty_is_miss && read.rows.empty()};
      });
}

absl::StatusOr<std::optional<v1::Response>> PgResponsesStore::GetResponse(
    const std::string& id, int64_t min_version, int64_t* data_version) {
  const auto read = ReadRows(min_version, true, [&](pqxx::nontransaction& tx) {
    return tx.exec_prepared("read_response", id);
  });
  if (!read.ok()) return read.status();
  *data_version = read->version;
  if (read->rows.empty()) return std::nullopt;
  return ReadResponse(read->rows[0]);
}

absl::StatusOr<ResponsePage> PgResponsesStore::ListResponses(
    const ResponseQuery& q) {
  // The one statement composed at run time, because an AIP-160 filter is
  // an expression of any shape: it compiles to SQL from allow-listed
  // fragments (the view's columns, ResponseSqlMapping) and every value in
  // it is a parameter. Every other statement is a file in queries/.
  std::vector<std::string> params;
  // A filter every match of which names one target reads that target's
  // rows of response_targets in page order (its indexes copy the order
  // keys), not every response naming it; the rest of the filter still
  // applies.
  const std::optional<common::HasTerm> target = q.filter.RequiredHas("targets");
  // Markets merged into the target: their rows are read too, through the
  // responses (a response may name both, and must come once).
  const bool with_aliases =
      target && !q.exact_targets && !q.target_aliases.empty();
  const bool by_target = target && !with_aliases;
  const char* alias = by_target ? "t." : "r.";
  std::string sql = "SELECT r.*";
  if (by_target) {
    params.push_back(target->value);
    absl::StrAppend(&sql,
                    " FROM response_targets t JOIN response_rows r ON r.seq = "
                    "t.response_seq WHERE t.target = $1",
                    q.exact_targets ? " AND t.direct" : "", " AND ");
  } else if (with_aliases) {
    std::vector<std::string> names{target->value};
    names.insert(names.end(), q.target_aliases.begin(), q.target_aliases.end());
    params.push_back(nlohmann::json(names).dump());
    absl::StrAppend(
        &sql,
        " FROM response_rows r WHERE r.seq IN (SELECT response_seq FROM "
        "response_targets WHERE target = ANY(",
        JsonTextArray(1), ")) AND ");
  } else {
    absl::StrAppend(&sql, " FROM response_rows r WHERE ");
  }
  std::string key;
  switch (q.order) {
    case ResponseQuery::Order::kCreated:
      key = "";
      break;
    case ResponseQuery::Order::kStatedOn:
      key = absl::StrCat(alias, "stated_on_key");
      break;
    case ResponseQuery::Order::kReviewYear:
      key = absl::StrCat(alias, "review_year");
      break;
  }
  const std::string seq = by_target ? "t.response_seq" : "r.seq";
  auto where = q.filter.ToSql(ResponseSqlMapping(q.exact_targets), &params,
                              target ? &*target : nullptr);
  if (!where.ok()) return where.status();
  absl::StrAppend(&sql, "(", *where, ")");
  if (!q.show_deleted) sql += " AND r.delete_time IS NULL";
  const char* cmp = q.descending ? "<" : ">";
  if (q.after) {
    params.push_back(std::to_string(q.after->seq));
    const std::string seq_param = absl::StrCat("$", params.size(), "::bigint");
    if (key.empty()) {
      absl::StrAppend(&sql, " AND ", seq, " ", cmp, " ", seq_param);
    } else {
      params.push_back(q.after->key);
      const std::string key_param = absl::StrCat(
          "$", params.size(),
          q.order == ResponseQuery::Order::kReviewYear ? "::int" : "::text");
      absl::StrAppend(&sql, " AND (", key, ", ", seq, ") ", cmp, " (",
                      key_param, ", ", seq_param, ")");
    }
  }
  const char* dir = q.descending ? " DESC" : "";
  sql += " ORDER BY ";
  if (!key.empty()) absl::StrAppend(&sql, key, dir, ", ");
  absl::StrAppend(&sql, seq, dir);
  params.push_back(std::to_string(q.limit + 1));
  absl::StrAppend(&sql, " LIMIT $", params.size(), "::int");

  const auto read =
      ReadRows(q.min_version, false, [&](pqxx::nontransaction& tx) {
        return common::ExecPrepared(tx, WithVersion(sql),
                                    pqxx::prepare::make_dynamic_params(params));
      });
  if (!read.ok()) return read.status();
  ResponsePage page;
  page.data_version = read->version;
  for (size_t i = 0; i < read->rows.size(); ++i) {
    if (static_cast<int>(i) == q.limit) {
      const pqxx::row& last = read->rows[i - 1];
      common::Cursor cursor;
      cursor.seq = last["seq"].as<int64_t>();
      cursor.key = q.order == ResponseQuery::Order::kReviewYear
                       ? last["review_year_key"].as<std::string>()
                       : last["stated_on_key"].as<std::string>();
      page.next = cursor;
      break;
    }
    page.responses.push_back(ReadResponse(read->rows[i]));
  }
  return page;
}

absl::StatusOr<std::optional<ResponsesStore::StoredAnswer>>
PgResponsesStore::FindStoredAnswer(const Idempotency& idempotency) {
  if (idempotency.request_id.empty()) return std::nullopt;
  return common::Transact<pqxx::nontransaction>(
      pool_,
      [&](pqxx::nontransaction& tx)
          -> absl::StatusOr<std::optional<StoredAnswer>> {
        auto stored = common::FindStoredAnswer(tx, idempotency);
        if (!stored.ok()) return stored.status();
        if (!stored->has_value()) return std::nullopt;
        return StoredAnswer{std::move(**stored), Version(tx)};
      });
}

absl::StatusOr<Written<v1::Response>> PgResponsesStore::CreateResponse(
    const v1::Response& response, const Idempotency& idempotency) {
  return common::Transact<pqxx::work>(
      pool_, [&](pqxx::work& tx) -> absl::StatusOr<Written<v1::Response>> {
        Written<v1::Response> written;
        auto replayed = ReplayInto(tx, idempotency, written);
        if (!replayed.ok()) return replayed.status();
        if (*replayed) {
          return written;
        }
        if (tx.exec_prepared("get_stakeholder", IdOf(response.stakeholder()))
                .empty()) {
          return absl::NotFoundError(absl::StrCat(
              "response.stakeholder: ", response.stakeholder(), " not found"));
        }
        const std::string id = InsertResponse(tx, response);
        written.value = ReadResponse(tx.exec_prepared1("get_response", id));
        common::StoreAnswer(tx, idempotency, written.value.SerializeAsString());
        written.data_version = Version(tx);
        return written;
      });
}

absl::StatusOr<Written<v1::Response>> PgResponsesStore::UpdateResponse(
    const std::string& id,
    const std::function<absl::Status(v1::Response&)>& update) {
  return common::Transact<pqxx::work>(
      pool_, [&](pqxx::work& tx) -> absl::StatusOr<Written<v1::Response>> {
        Written<v1::Response> written;
        auto locked = LockResponse(tx, id);
        if (!locked.ok()) return locked.status();
        v1::Response r = *std::move(locked);
        if (auto st = update(r); !st.ok()) return st;
        if (tx.exec_prepared("get_stakeholder", IdOf(r.stakeholder()))
                .empty()) {
          return absl::NotFoundError(absl::StrCat(
              "response.stakeholder: ", r.stakeholder(), " not found"));
        }
        tx.exec_prepared(
            "update_response", id, IdOf(r.stakeholder()), r.review_year(),
            common::JsonArray(r.targets()), static_cast<int>(r.stance()),
            r.summary(), r.quote(), common::JsonArray(r.commitments()),
            static_cast<int>(r.channel()), r.stated_on().year(),
            r.stated_on().month(), r.stated_on().day(), r.source_url());
        written.value = ReadResponse(tx.exec_prepared1("get_response", id));
        written.data_version = Version(tx);
        return written;
      });
}

absl::StatusOr<Written<v1::Response>> PgResponsesStore::SetDeleted(
    const std::string& id, bool deleted, const std::string& etag) {
  return common::Transact<pqxx::work>(
      pool_, [&](pqxx::work& tx) -> absl::StatusOr<Written<v1::Response>> {
        Written<v1::Response> written;
        auto locked = LockResponse(tx, id);
        if (!locked.ok()) return locked.status();
        const v1::Response current = *std::move(locked);
        if (auto st = common::CheckEtag(etag, current.etag(), "etag");
            !st.ok()) {
          return st;
        }
        if (current.has_delete_time() == deleted) {
          return absl::FailedPreconditionError(
              absl::StrCat(current.name(), deleted ? " is already deleted"
                                                   : " is not deleted"));
        }
        tx.exec_prepared("set_deleted", id, deleted);
        written.value = ReadResponse(tx.exec_prepared1("get_response", id));
        written.data_version = Version(tx);
        return written;
      });
}

absl::StatusOr<StanceSummary> PgResponsesStore::SummarizeStances(
    const Scope& scope) {
  const auto [statement, value] =
      ScopeStatement("summarize_stances_by_", scope);
  const auto read =
      // (clang 14 cannot capture a structured binding: an init-capture.)
      ReadRows(
          scope.min_version, false,
          [&statement = statement, &value = value](pqxx::nontransaction& tx) {
            return tx.exec_prepared(statement, value);
          });
  if (!read.ok()) return read.status();
  StanceSummary summary;
  summary.data_version = read->version;
  for (const pqxx::row& row : read->rows) {
    if (row["totals"].as<int>() != 0) {
      summary.total = row["responses"].as<int>();
      summary.stakeholders = row["stakeholders"].as<int>();
      continue;
    }
    v1::StanceCount& count = summary.counts.emplace_back();
    count.set_stance(static_cast<v1::Stance>(row["stance"].as<int>()));
    count.set_stakeholder_type(
        static_cast<v1::StakeholderType>(row["type"].as<int>()));
    count.set_count(row["responses"].as<int>());
  }
  return summary;
}

absl::StatusOr<std::vector<v1::Response>> PgResponsesStore::Timeline(
    const Scope& scope, int64_t* data_version) {
  const auto [statement, value] = ScopeStatement("timeline_by_", scope);
  const auto read =
      // (clang 14 cannot capture a structured binding: an init-capture.)
      ReadRows(
          scope.min_version, false,
          [&statement = statement, &value = value](pqxx::nontransaction& tx) {
            return tx.exec_prepared(statement, value);
          });
  if (!read.ok()) return read.status();
  std::vector<v1::Response> result;
  for (const pqxx::row& row : read->rows) result.push_back(ReadResponse(row));
  *data_version = read->version;
  return result;
}

}  // namespace nml::responses
