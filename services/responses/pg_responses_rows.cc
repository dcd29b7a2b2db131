#include "services/responses/pg_responses_rows.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <random>

#include "common/api/names.h"
#include "common/api/status.h"
#include "common/pg/columns.h"

namespace nml::responses {

using google::protobuf::util::TimeUtil;

const std::string& ResponseColumnList() {
  static const auto* const kColumns = new std::string(absl::StrCat(
      "r.id, r.stakeholder_id, r.review_year, to_json(r.targets)::text, "
      "r.stance, "
      "r.summary, r.quote, to_json(r.commitments)::text, r.channel, "
      "coalesce(r.stated_year, 0), r.stated_month, r.stated_day, r.source_url, "
      "r.revision, ",
      common::MicrosSql("r.create_time"), ", ",
      common::MicrosSql("r.update_time"), ", ",
      common::MicrosSql("r.delete_time"),
      ", s.display_name, s.type, r.seq, r.stated_on_key, r.review_year::text"));
  return *kColumns;
}

const std::string& ResponseColumns() {
  static const auto* const kColumns = new std::string(
      absl::StrCat(ResponseColumnList(),
                   " FROM responses r JOIN stakeholders s ON s.id = "
                   "r.stakeholder_id"));
  return *kColumns;
}

v1::Response ReadResponse(const pqxx::row& row) {
  v1::Response r;
  r.set_name(common::ResponseName(row[0].as<std::string>()));
  r.set_stakeholder(common::StakeholderName(row[1].as<std::string>()));
  r.set_review_year(row[2].as<int>());
  for (auto& t : common::JsonStrings(row[3])) r.add_targets(std::move(t));
  r.set_stance(static_cast<v1::Stance>(row[4].as<int>()));
  r.set_summary(row[5].as<std::string>());
  r.set_quote(row[6].as<std::string>());
  for (auto& c : common::JsonStrings(row[7])) r.add_commitments(std::move(c));
  r.set_channel(static_cast<v1::Channel>(row[8].as<int>()));
  if (row[9].as<int>() != 0) {
    r.mutable_stated_on()->set_year(row[9].as<int>());
    r.mutable_stated_on()->set_month(row[10].as<int>());
    r.mutable_stated_on()->set_day(row[11].as<int>());
  }
  r.set_source_url(row[12].as<std::string>());
  r.set_etag(row[13].as<std::string>());
  *r.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row[14].as<int64_t>());
  *r.mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(row[15].as<int64_t>());
  if (!row[16].is_null()) {
    *r.mutable_delete_time() =
        TimeUtil::MicrosecondsToTimestamp(row[16].as<int64_t>());
  }
  r.set_stakeholder_display_name(row[17].as<std::string>());
  r.set_stakeholder_type(static_cast<v1::StakeholderType>(row[18].as<int>()));
  return r;
}

const std::string& StakeholderColumns() {
  static const auto* const kColumns = new std::string(absl::StrCat(
      "id, display_name, to_json(aliases)::text, type, country_code, "
      "revision, ",
      common::MicrosSql("create_time"), ", ", common::MicrosSql("update_time"),
      " FROM stakeholders"));
  return *kColumns;
}

v1::Stakeholder ReadStakeholder(const pqxx::row& row) {
  v1::Stakeholder s;
  s.set_name(common::StakeholderName(row[0].as<std::string>()));
  s.set_display_name(row[1].as<std::string>());
  for (auto& a : common::JsonStrings(row[2])) s.add_aliases(std::move(a));
  s.set_type(static_cast<v1::StakeholderType>(row[3].as<int>()));
  s.set_country_code(row[4].as<std::string>());
  s.set_etag(row[5].as<std::string>());
  *s.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row[6].as<int64_t>());
  *s.mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(row[7].as<int64_t>());
  return s;
}

std::string NewResponseId() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return absl::StrFormat("%016x", engine());
}

std::string WithVersion(std::string_view query) {
  // The left join keeps the query's order: its one-row outer side (the
  // version) is scanned once and the page is read in order behind it.
  return absl::StrCat(
      "WITH v AS MATERIALIZED (SELECT version FROM data_state), "
      "q AS MATERIALIZED (",
      std::string(query), ") SELECT v.version, q.* FROM v LEFT JOIN q ON true");
}

VersionedRows SplitVersion(const pqxx::result& result) {
  VersionedRows out;
  if (result.empty()) return out;
  out.version = result[0][0].as<int64_t>();
  for (const pqxx::row& row : result) {
    // A query column that cannot be NULL is NULL only on the no-rows row.
    if (row[1].is_null()) break;
    out.rows.push_back(row.slice(1, row.size()));
  }
  return out;
}

absl::StatusOr<v1::Response> LockResponse(pqxx::transaction_base& tx,
                                          const std::string& id) {
  const pqxx::result rows = tx.exec_prepared("lock_response", id);
  if (rows.empty()) {
    return absl::NotFoundError(
        absl::StrCat(common::kResponsesPrefix, id, " not found"));
  }
  return ReadResponse(rows[0]);
}

absl::StatusOr<v1::Stakeholder> LockStakeholder(pqxx::transaction_base& tx,
                                                const std::string& id) {
  const pqxx::result rows = tx.exec_prepared("lock_stakeholder", id);
  if (rows.empty()) {
    return absl::NotFoundError(
        absl::StrCat(common::kStakeholdersPrefix, id, " not found"));
  }
  return ReadStakeholder(rows[0]);
}

std::string IdOf(const std::string& name) {
  return name.substr(name.find('/') + 1);
}

int64_t Version(pqxx::transaction_base& tx) {
  return tx.exec_prepared1("read_version")[0].as<int64_t>();
}

std::pair<std::string, std::string> ScopeCondition(
    const ResponsesStore::Scope& scope) {
  if (scope.review_year) {
    return {"r.review_year = $1::int", std::to_string(*scope.review_year)};
  }
  if (scope.target) {
    std::vector<std::string> names{*scope.target};
    names.insert(names.end(), scope.target_aliases.begin(),
                 scope.target_aliases.end());
    return {absl::StrCat("r.seq IN (SELECT response_seq FROM response_targets "
                         "WHERE target = ANY(",
                         JsonTextArray(1), "))"),
            nlohmann::json(names).dump()};
  }
  return {"r.stakeholder_id = $1", scope.stakeholder_id.value_or("")};
}

nlohmann::json ResponseRow(const std::string& id,
                           const std::string& stakeholder_id,
                           const v1::Response& r) {
  return {{"id", id},
          {"stakeholder_id", stakeholder_id},
          {"review_year", r.review_year()},
          {"targets", common::JsonValue(r.targets())},
          {"stance", static_cast<int>(r.stance())},
          {"summary", r.summary()},
          {"quote", r.quote()},
          {"commitments", common::JsonValue(r.commitments())},
          {"channel", static_cast<int>(r.channel())},
          {"stated_year", r.stated_on().year()},
          {"stated_month", r.stated_on().month()},
          {"stated_day", r.stated_on().day()},
          {"source_url", r.source_url()}};
}

std::string InsertResponse(pqxx::transaction_base& tx, const v1::Response& r) {
  const std::string id = NewResponseId();
  tx.exec_prepared(
      "insert_responses",
      nlohmann::json::array({ResponseRow(id, IdOf(r.stakeholder()), r)})
          .dump());
  return id;
}

std::string JsonTextArray(size_t param) {
  return absl::StrCat("ARRAY(SELECT json_array_elements_text($", param,
                      "::json))");
}

const common::SqlMapping& ResponseSqlMapping(bool exact_targets) {
  static const common::SqlMapping kMapping = {
      {"stakeholder",
       {"r.stakeholder_id",
        [](const std::string& v) -> absl::StatusOr<std::string> {
          return common::ParseIdName(v, common::kStakeholdersPrefix,
                                     "filter: stakeholder");
        }}},
      {"stakeholder_type", {"r.stakeholder_type", nullptr}},
      {"stance", {"r.stance", nullptr}},
      {"review_year", {"r.review_year", nullptr}},
      {"targets",
       {"ARRAY(SELECT rt.target FROM response_targets rt "
        "WHERE rt.response_seq = r.seq)",
        nullptr}},
      {"channel", {"r.channel", nullptr}},
      // "2022", "2022-02" or "2022-02-18", compared like the stored key.
      {"stated_on",
       {"r.stated_on_key",
        [](const std::string& v) -> absl::StatusOr<std::string> {
          int y = 0, m = 0, d = 0;
          char tail = 0;
          const int n =
              std::sscanf(v.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail);
          if (v.empty() || n == 4 || (n == 1 && v.size() != 4) ||
              (n == 2 && v.size() != 7) || (n == 3 && v.size() != 10) ||
              n < 1) {
            return common::FieldError("filter: stated_on",
                                      "takes \"YYYY\", \"YYYY-MM\" or "
                                      "\"YYYY-MM-DD\"");
          }
          char key[16];
          std::snprintf(key, sizeof(key), "%04d-%02d-%02d", y, n >= 2 ? m : 0,
                        n >= 3 ? d : 0);
          return std::string(key);
        }}},
  };
  static const common::SqlMapping kExact = [] {
    common::SqlMapping mapping = kMapping;
    mapping["targets"] = {"r.targets", nullptr};
    return mapping;
  }();
  return exact_targets ? kExact : kMapping;
}

}  // namespace nml::responses
