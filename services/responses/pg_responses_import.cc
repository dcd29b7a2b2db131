// PgResponsesStore::ImportResponses: every row of an import written with a
// few set-based statements (rows travel as one JSON parameter expanded by
// json_to_recordset), so an import costs a handful of round trips whatever
// its size; it used to cost five a row.
#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>
#include <tuple>
#include <unordered_map>

#include "common/api/names.h"
#include "common/api/status.h"
#include "common/pg/idempotency.h"
#include "common/pg/transaction.h"
#include "common/text/slug.h"
#include "services/responses/pg_responses_rows.h"
#include "services/responses/pg_responses_store.h"

namespace nml::responses {

using Json = nlohmann::json;

namespace {

std::vector<std::string> NamesOf(const ImportRow& row) {
  std::vector<std::string> names{row.stakeholder_display_name};
  names.insert(names.end(), row.stakeholder_aliases.begin(),
               row.stakeholder_aliases.end());
  return names;
}

std::string BaseId(const ImportRow& row) {
  const std::string base = common::Slugify(row.stakeholder_display_name);
  return base.empty() ? "stakeholder" : base;
}

// Which stakeholder each row is by, creating the ones not there yet. A
// row's names (display name, then aliases) are tried in order, each against
// the stored stakeholders and those this import created for earlier rows,
// as a row-by-row import would. Returns the stakeholder id of each row.
std::vector<std::string> ResolveStakeholders(pqxx::work& tx,
                                             const std::vector<ImportRow>& rows,
                                             int& created) {
  std::set<std::string> names;
  for (const ImportRow& row : rows) {
    for (auto& name : NamesOf(row)) names.insert(std::move(name));
  }
  std::unordered_map<std::string, std::string> stored;  // name -> id
  for (const auto& r :
       tx.exec_prepared("import_find_stakeholders", Json(names).dump())) {
    stored.emplace(r["name"].as<std::string>(), r["id"].as<std::string>());
  }
  // Ids the new stakeholders may take: their bases' variants already
  // taken are read at once.
  std::set<std::string> bases;
  for (const ImportRow& row : rows) {
    const auto names_of = NamesOf(row);
    if (std::none_of(
            names_of.begin(), names_of.end(),
            [&](const std::string& n) { return stored.contains(n); })) {
      bases.insert(BaseId(row));
    }
  }
  std::set<std::string> taken;
  if (!bases.empty()) {
    for (const auto& r :
         tx.exec_prepared("import_taken_ids", Json(bases).dump())) {
      taken.insert(r["id"].as<std::string>());
    }
  }
  // An id outside what that read covered (a base cut short to fit 63
  // characters, or one that ends in digits itself) is asked about alone.
  const auto is_taken = [&](const std::string& id) {
    if (taken.contains(id)) return true;
    std::string base = id;
    if (const size_t dash = id.rfind('-');
        dash != std::string::npos && dash + 1 < id.size() &&
        std::all_of(id.begin() + static_cast<long>(dash) + 1, id.end(),
                    absl::ascii_isdigit)) {
      base = id.substr(0, dash);
    }
    if (bases.contains(base) || bases.contains(id)) return false;
    return !tx.exec_prepared("stakeholder_id_taken", id).empty();
  };

  // Within the import, names compare case-insensitively (ASCII), as the
  // database compares them with what was there before.
  std::unordered_map<std::string, std::string> new_ids;  // lower name -> id
  std::vector<std::string> ids(rows.size());
  Json inserted = Json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::vector<std::string> row_names = NamesOf(rows[i]);
    for (const std::string& name : row_names) {
      if (const auto it = stored.find(name); it != stored.end()) {
        ids[i] = it->second;
      } else if (const auto n = new_ids.find(absl::AsciiStrToLower(name));
                 n != new_ids.end()) {
        ids[i] = n->second;
      }
      if (!ids[i].empty()) break;
    }
    if (!ids[i].empty()) continue;
    ids[i] = common::UniqueId(BaseId(rows[i]), is_taken);
    taken.insert(ids[i]);
    for (const std::string& name : row_names) {
      new_ids.emplace(absl::AsciiStrToLower(name), ids[i]);
    }
    inserted.push_back({{"id", ids[i]},
                        {"display_name", rows[i].stakeholder_display_name},
                        {"aliases", Json(rows[i].stakeholder_aliases)},
                        {"type", static_cast<int>(rows[i].stakeholder_type)}});
    ++created;
  }
  if (!inserted.empty()) {
    tx.exec_prepared("import_insert_stakeholders", inserted.dump());
  }
  return ids;
}

}  // namespace

absl::StatusOr<Written<v1::ImportResponsesResponse>>
PgResponsesStore::ImportResponses(const std::vector<ImportRow>& rows,
                                  const std::vector<v1::RowIssue>& skipped,
                                  const Idempotency& idempotency,
                                  size_t max_answer_bytes) {
  return common::Transact<pqxx::work>(
      pool_,
      [&](pqxx::work& tx)
          -> absl::StatusOr<Written<v1::ImportResponsesResponse>> {
        Written<v1::ImportResponsesResponse> written;
        written.value.Clear();
        auto replayed = ReplayInto(tx, idempotency, written);
        if (!replayed.ok()) return replayed.status();
        if (*replayed) {
          written.value.set_replayed(true);
          return written;
        }
        // Stakeholders are matched by name or alias; the import serialises
        // with other imports so two never create the same one.
        tx.exec_prepared("import_lock");
        int created = 0;
        const std::vector<std::string> stakeholders =
            ResolveStakeholders(tx, rows, created);
        written.value.set_stakeholders_created(created);

        // A row equal to a live response (or to an earlier row) is that
        // response, not a new one.
        Json keys = Json::array();
        for (size_t i = 0; i < rows.size(); ++i) {
          const v1::Response& r = rows[i].response;
          keys.push_back({{"i", i},
                          {"stakeholder_id", stakeholders[i]},
                          {"review_year", r.review_year()},
                          {"summary", r.summary()},
                          {"source_url", r.source_url()}});
        }
        std::vector<std::string> ids(rows.size());
        for (const auto& r :
             tx.exec_prepared("import_find_same", keys.dump())) {
          ids[r["i"].as<size_t>()] = r["id"].as<std::string>();
        }
        using Key = std::tuple<std::string, int, std::string, std::string>;
        std::map<Key, std::string> new_responses;
        Json inserted = Json::array();
        for (size_t i = 0; i < rows.size(); ++i) {
          if (!ids[i].empty()) continue;
          const v1::Response& r = rows[i].response;
          const Key key{stakeholders[i], r.review_year(), r.summary(),
                        r.source_url()};
          if (const auto it = new_responses.find(key);
              it != new_responses.end()) {
            ids[i] = it->second;
            continue;
          }
          ids[i] = NewResponseId();
          new_responses.emplace(key, ids[i]);
          inserted.push_back(ResponseRow(ids[i], stakeholders[i], r));
        }
        if (!inserted.empty()) {
          tx.exec_prepared("insert_responses", inserted.dump());
        }

        std::unordered_map<std::string, v1::Response> read;
        const std::set<std::string> distinct(ids.begin(), ids.end());
        for (const auto& r :
             tx.exec_prepared("import_read_responses", Json(distinct).dump())) {
          v1::Response response = ReadResponse(r);
          read.emplace(IdOf(response.name()), std::move(response));
        }
        for (const std::string& id : ids) {
          *written.value.add_responses() = read.at(id);
        }
        for (const auto& issue : skipped) *written.value.add_skipped() = issue;
        written.data_version = Version(tx);
        written.value.set_data_version(written.data_version);
        // Refused here, before the commit, rather than by gRPC after it.
        if (auto st = common::CheckAnswerSize(written.value.ByteSizeLong(),
                                              max_answer_bytes, "rows");
            !st.ok()) {
          return st;
        }
        common::StoreAnswer(tx, idempotency, written.value.SerializeAsString());
        return written;
      });
}

}  // namespace nml::responses
