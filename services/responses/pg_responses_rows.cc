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

v1::Response ReadResponse(const pqxx::row& row) {
  v1::Response r;
  r.set_name(common::ResponseName(row["id"].as<std::string>()));
  r.set_stakeholder(
      common::StakeholderName(row["stakeholder_id"].as<std::string>()));
  r.set_review_year(row["review_year"].as<int>());
  for (auto& t : common::JsonStrings(row["targets_json"]))
    r.add_targets(std::move(t));
  r.set_stance(static_cast<v1::Stance>(row["stance"].as<int>()));
  r.set_summary(row["summary"].as<std::string>());
  r.set_quote(row["quote"].as<std::string>());
  for (auto& c : common::JsonStrings(row["commitments_json"]))
    r.add_commitments(std::move(c));
  r.set_channel(static_cast<v1::Channel>(row["channel"].as<int>()));
  if (row["stated_year"].as<int>() != 0) {
    r.mutable_stated_on()->set_year(row["stated_year"].as<int>());
    r.mutable_stated_on()->set_month(row["stated_month"].as<int>());
    r.mutable_stated_on()->set_day(row["stated_day"].as<int>());
  }
  r.set_source_url(row["source_url"].as<std::string>());
  r.set_etag(row["revision"].as<std::string>());
  *r.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  *r.mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
  if (!row["delete_us"].is_null()) {
    *r.mutable_delete_time() =
        TimeUtil::MicrosecondsToTimestamp(row["delete_us"].as<int64_t>());
  }
  r.set_stakeholder_display_name(
      row["stakeholder_display_name"].as<std::string>());
  r.set_stakeholder_type(
      static_cast<v1::StakeholderType>(row["stakeholder_type"].as<int>()));
  return r;
}

v1::Stakeholder ReadStakeholder(const pqxx::row& row) {
  v1::Stakeholder s;
  s.set_name(common::StakeholderName(row["id"].as<std::string>()));
  s.set_display_name(row["display_name"].as<std::string>());
  for (auto& a : common::JsonStrings(row["aliases_json"]))
    s.add_aliases(std::move(a));
  s.set_type(static_cast<v1::StakeholderType>(row["type"].as<int>()));
  s.set_country_code(row["country_code"].as<std::string>());
  s.set_etag(row["revision"].as<std::string>());
  *s.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  *s.mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
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
      std::string(query),
      // `q IS NULL`: the row is the left join's filler (no rows), as no
      // row read has every column NULL.
      ") SELECT v.version, q IS NULL AS no_rows, q.* "
      "FROM v LEFT JOIN q ON true");
}

VersionedRows SplitVersion(const pqxx::result& result) {
  VersionedRows out;
  if (result.empty()) return out;
  out.version = result[0]["version"].as<int64_t>();
  for (const pqxx::row& row : result) {
    if (row["no_rows"].as<bool>()) break;
    out.rows.push_back(row);  // read by column name: the extra two are inert
  }
  return out;
}

absl::StatusOr<v1::Response> LockResponse(pqxx::transaction_base& tx,
                                          const std::string& id) {
  if (tx.exec_prepared("lock_response", id).empty()) {
    return absl::NotFoundError(
        absl::StrCat(common::kResponsesPrefix, id, " not found"));
  }
  return ReadResponse(tx.exec_prepared1("get_response", id));
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
  return tx.exec_prepared1("read_version")["version"].as<int64_t>();
}

std::pair<std::string, std::string> ScopeStatement(
    std::string_view prefix, const ResponsesStore::Scope& scope) {
  if (scope.review_year) {
    return {std::string(prefix) + "year", std::to_string(*scope.review_year)};
  }
  if (scope.target) {
    std::vector<std::string> names{*scope.target};
    names.insert(names.end(), scope.target_aliases.begin(),
                 scope.target_aliases.end());
    return {std::string(prefix) + "target", nlohmann::json(names).dump()};
  }
  return {std::string(prefix) + "stakeholder",
          scope.stakeholder_id.value_or("")};
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
