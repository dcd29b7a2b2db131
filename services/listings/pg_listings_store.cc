#include "services/listings/pg_listings_store.h"

#include <absl/strings/escaping.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/util/time_util.h>

#include <map>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "common/api/validation.h"
#include "common/pg/change_log.h"
#include "common/pg/columns.h"
#include "common/pg/idempotency.h"
#include "common/pg/queries.h"
#include "common/pg/transaction.h"
#include "services/listings/change_feed.h"
#include "services/listings/queries.h"

namespace nml::listings {

using google::protobuf::util::TimeUtil;

namespace {

int64_t ToMicros(const google::protobuf::Timestamp& t) {
  return TimeUtil::TimestampToMicroseconds(t);
}

std::string DateText(const v1::Review& r) {
  return common::DateText(r.published_on());
}

SnapshotData LoadData(pqxx::transaction_base& tx) {
  SnapshotData data;
  const pqxx::row state = tx.exec_prepared1("load_state");
  data.version = state["version"].as<int64_t>();
  if (!state["last_import_us"].is_null()) {
    data.last_import_time =
        absl::FromUnixMicros(state["last_import_us"].as<int64_t>());
  }
  for (const auto& row : tx.exec_prepared("load_reviews")) {
    v1::Review& r = data.reviews.emplace_back();
    r.set_year(row["year"].as<int>());
    r.set_name(ReviewName(r.year()));
    r.set_title(row["title"].as<std::string>());
    if (!row["published_year"].is_null()) {
      r.mutable_published_on()->set_year(row["published_year"].as<int>());
      r.mutable_published_on()->set_month(row["published_month"].as<int>());
      r.mutable_published_on()->set_day(row["published_day"].as<int>());
    }
    r.set_declared_online_count(row["declared_online_count"].as<int>());
    r.set_declared_physical_count(row["declared_physical_count"].as<int>());
    r.set_state(static_cast<v1::ReviewState>(row["state"].as<int>()));
    r.set_source_url(row["source_url"].as<std::string>());
    r.set_comment_docket_id(row["comment_docket_id"].as<std::string>());
    r.set_etag(row["revision"].as<std::string>());
    *r.mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
    *r.mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
    r.set_online_complete_source_url(
        row["online_complete_source_url"].as<std::string>());
    r.set_physical_complete_source_url(
        row["physical_complete_source_url"].as<std::string>());
  }
  for (const auto& row : tx.exec_prepared("load_operators")) {
    v1::Operator& o = data.operators.emplace_back();
    o.set_name(OperatorName(row["id"].as<std::string>()));
    o.set_display_name(row["display_name"].as<std::string>());
    for (auto& a : common::JsonStrings(row["aliases"]))
      o.add_aliases(std::move(a));
    o.set_country_code(row["country_code"].as<std::string>());
    o.set_etag(row["revision"].as<std::string>());
    *o.mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
    *o.mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
  }
  std::map<std::string, size_t> market_index;
  for (const auto& row : tx.exec_prepared("load_markets")) {
    v1::Market& m = data.markets.emplace_back();
    const std::string id = row["id"].as<std::string>();
    market_index[id] = data.markets.size() - 1;
    m.set_name(MarketName(id));
    m.set_display_name(row["display_name"].as<std::string>());
    for (auto& a : common::JsonStrings(row["aliases"]))
      m.add_aliases(std::move(a));
    m.set_kind(static_cast<v1::MarketKind>(row["kind"].as<int>()));
    m.set_country_code(row["country_code"].as<std::string>());
    m.set_city(row["city"].as<std::string>());
    if (!row["operator_id"].is_null())
      m.set_operator_(OperatorName(row["operator_id"].as<std::string>()));
    m.set_etag(row["revision"].as<std::string>());
    *m.mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
    *m.mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
    for (const auto& merged : common::JsonStrings(row["merged_ids"])) {
      m.add_merged_markets(MarketName(merged));
    }
  }
  for (const auto& row : tx.exec_prepared("load_domains")) {
    v1::Market& m =
        data.markets[market_index.at(row["market_id"].as<std::string>())];
    v1::DomainRule* rule = m.add_domains();
    rule->set_pattern(row["pattern"].as<std::string>());
    rule->set_scope(static_cast<v1::MatchScope>(row["scope"].as<int>()));
  }
  for (const auto& row : tx.exec_prepared("load_listings")) {
    v1::Listing& l = data.listings.emplace_back();
    const int year = row["year"].as<int>();
    const std::string market = row["market_id"].as<std::string>();
    l.set_name(ListingName(year, market));
    l.set_market(MarketName(market));
    for (const int t : common::JsonInts(row["infringement_types"])) {
      l.add_infringement_types(static_cast<v1::InfringementType>(t));
    }
    l.set_summary(row["summary"].as<std::string>());
    l.set_source_url(row["source_url"].as<std::string>());
    l.set_reported_first_year(row["reported_first_year"].as<int>());
    l.set_etag(row["revision"].as<std::string>());
    *l.mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
    *l.mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
    l.set_confidence(static_cast<v1::Confidence>(row["confidence"].as<int>()));
  }
  return data;
}

using Json = nlohmann::json;

// The last change to each resource (as statements applied in order would
// leave it): a set-based statement may touch each row once.
template <typename T>
std::vector<const T*> Latest(const std::vector<T>& items) {
  std::vector<const T*> latest;
  std::unordered_set<std::string> seen;
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    if (seen.insert(it->name()).second) latest.push_back(&*it);
  }
  return latest;
}

// Writes the change set; an import also records `import_time`. Each kind of
// change is one statement over all its rows (JSON rows expanded by
// json_to_recordset), so a 20,000-row import is a handful of round trips,
// not 60,000.
void Apply(pqxx::transaction_base& tx, const ChangeSet& c,
           absl::Time import_time) {
  // In the order the change feed's followers apply it (the triggers record
  // each row as it goes): listings deleted first, then parents written before
  // children, then the parents deleted.
  if (!c.delete_listings.empty()) {
    Json keys = Json::array();
    for (const std::string& name : c.delete_listings) {
      const auto key = *ParseListingName(name);
      keys.push_back({{"year", key.year}, {"market_id", key.market_id}});
    }
    tx.exec_prepared("delete_listings", keys.dump());
  }
  if (!c.upsert_operators.empty()) {
    Json rows = Json::array();
    for (const v1::Operator* o : Latest(c.upsert_operators)) {
      rows.push_back({{"id", *ParseOperatorName(o->name())},
                      {"display_name", o->display_name()},
                      {"aliases", common::JsonValue(o->aliases())},
                      {"country_code", o->country_code()},
                      {"revision", std::stoll(o->etag())},
                      {"create_us", ToMicros(o->create_time())},
                      {"update_us", ToMicros(o->update_time())}});
    }
    tx.exec_prepared("upsert_operators", rows.dump());
  }
  // A market's domains are rewritten whole.
  const auto markets = Latest(c.upsert_markets);
  Json rewritten(c.delete_markets);
  for (const v1::Market* m : markets) {
    rewritten.push_back(*ParseMarketName(m->name()));
  }
  if (!rewritten.empty()) tx.exec_prepared("delete_domains", rewritten.dump());
  if (!markets.empty()) {
    Json rows = Json::array();
    Json domains = Json::array();
    for (const v1::Market* m : markets) {
      const std::string id = *ParseMarketName(m->name());
      Json merged_ids = Json::array();
      for (const std::string& merged : m->merged_markets()) {
        merged_ids.push_back(*ParseMarketName(merged));
      }
      rows.push_back(
          {{"id", id},
           {"display_name", m->display_name()},
           {"aliases", common::JsonValue(m->aliases())},
           {"kind", static_cast<int>(m->kind())},
           {"country_code", m->country_code()},
           {"city", m->city()},
           {"operator_id",
            m->operator_().empty() ? "" : *ParseOperatorName(m->operator_())},
           {"revision", std::stoll(m->etag())},
           {"create_us", ToMicros(m->create_time())},
           {"update_us", ToMicros(m->update_time())},
           {"merged_ids", std::move(merged_ids)}});
      for (int i = 0; i < m->domains_size(); ++i) {
        domains.push_back({{"pattern", m->domains(i).pattern()},
                           {"market_id", id},
                           {"scope", static_cast<int>(m->domains(i).scope())},
                           {"position", i}});
      }
    }
    tx.exec_prepared("upsert_markets", rows.dump());
    if (!domains.empty()) tx.exec_prepared("insert_domains", domains.dump());
  }
  for (const v1::Review& r : c.upsert_reviews) {
    tx.exec_prepared("upsert_review", r.year(), r.title(), DateText(r),
                     r.declared_online_count(), r.declared_physical_count(),
                     static_cast<int>(r.state()), r.source_url(),
                     r.comment_docket_id(), std::stoll(r.etag()),
                     ToMicros(r.create_time()), ToMicros(r.update_time()),
                     r.online_complete_source_url(),
                     r.physical_complete_source_url());
  }
  if (!c.upsert_listings.empty()) {
    Json rows = Json::array();
    for (const v1::Listing* l : Latest(c.upsert_listings)) {
      const auto key = *ParseListingName(l->name());
      rows.push_back(
          {{"year", key.year},
           {"market_id", key.market_id},
           {"infringement_types", common::JsonValue(l->infringement_types())},
           {"summary", l->summary()},
           {"source_url", l->source_url()},
           {"reported_first_year", l->reported_first_year()},
           {"confidence", static_cast<int>(l->confidence())},
           {"revision", std::stoll(l->etag())},
           {"create_us", ToMicros(l->create_time())},
           {"update_us", ToMicros(l->update_time())}});
    }
    tx.exec_prepared("upsert_listings", rows.dump());
  }
  for (const std::string& id : c.delete_markets)
    tx.exec_prepared("delete_market", id);
  for (const int year : c.delete_reviews)
    tx.exec_prepared("delete_review", year);
  for (const std::string& id : c.delete_operators) {
    tx.exec_prepared("delete_operator", id);
  }
  if (c.is_import)
    tx.exec_prepared("mark_import", absl::ToUnixMicros(import_time));
}

}  // namespace

void PgListingsStore::PrepareStatements(pqxx::connection& c) {
  common::PrepareQueries(c, Queries());
  common::PrepareIdempotencyStatements(c);
}

absl::StatusOr<SnapshotData> PgListingsStore::LoadAll() {
  using ReadOnly = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;
  return common::Transact<ReadOnly>(
      pool_, [&](ReadOnly& tx) -> absl::StatusOr<SnapshotData> {
        return LoadData(tx);
      });
}

absl::StatusOr<ListingsStore::WriteResult> PgListingsStore::Write(
    const WriteRequest& request, const Planner& plan,
    const SnapshotData* known) {
  return common::Transact<pqxx::work>(
      pool_, [&](pqxx::work& tx) -> absl::StatusOr<WriteResult> {
        tx.exec_prepared("write_lock");
        WriteResult result;
        const int64_t version =
            tx.exec_prepared1("read_version")["version"].as<int64_t>();
        auto stored = common::FindStoredAnswer(tx, request);
        if (!stored.ok()) return stored.status();
        if (stored->has_value()) {
          result.answer = **stored;
          result.replayed = true;
          result.data_version = version;
          return result;
        }
        // Every write bumps the version, so data at the current version is
        // what the database holds: no need to read it all again.
        std::optional<SnapshotData> loaded;
        const SnapshotData& current =
            known != nullptr && known->version == version
                ? *known
                : loaded.emplace(LoadData(tx));
        auto planned = plan(current);
        if (!planned.ok()) return planned.status();
        // Microseconds, as the database keeps it, so a reload compares equal.
        const absl::Time now =
            absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
        // The database's triggers record the change feed as this writes.
        Apply(tx, planned->changes, now);
        result.data_version =
            tx.exec_prepared1("read_version")["version"].as<int64_t>();
        result.answer = planned->answer(result.data_version);
        common::StoreAnswer(tx, request, result.answer);
        SnapshotData& after = result.data.emplace(
            loaded.has_value() ? std::move(*loaded) : current);
        ApplyChanges(planned->changes, after);
        after.version = result.data_version;
        if (planned->changes.is_import) after.last_import_time = now;
        return result;
      });
}

absl::StatusOr<int64_t> PgListingsStore::CurrentVersion() {
  return common::Transact<pqxx::read_transaction>(
      pool_, [](pqxx::read_transaction& tx) -> absl::StatusOr<int64_t> {
        return tx.exec_prepared1("read_version")["version"].as<int64_t>();
      });
}

absl::Status PgListingsStore::KeepChanges(int64_t versions) {
  return common::KeepChanges(pool_, versions);
}

absl::StatusOr<ListingsStore::ChangePage> PgListingsStore::ListChanges(
    int64_t since, int64_t after_seq, int limit) {
  return common::Transact<pqxx::read_transaction>(
      pool_, [&](pqxx::read_transaction& tx) -> absl::StatusOr<ChangePage> {
        return common::ReadChangePage<Change>(
            tx, since, after_seq, limit,
            [](const pqxx::row& row, common::ChangeKind kind, Change& c) {
              c.seq = row["seq"].as<int64_t>();
              c.data_version = row["data_version"].as<int64_t>();
              c.resource = row["resource"].as<std::string>();
              c.deleted = kind == common::ChangeKind::kDeleted;
              if (row["doc"].is_null()) {
                const pqxx::binarystring body(row["body"]);
                c.body = body.str();
              } else {
                c.json = row["doc"].as<std::string>();
              }
            });
      });
}

}  // namespace nml::listings
