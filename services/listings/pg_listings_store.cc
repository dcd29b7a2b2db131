#include "services/listings/pg_listings_store.h"

#include <absl/strings/escaping.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/util/time_util.h>

#include <map>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "common/api/validation.h"
#include "common/pg/columns.h"
#include "common/pg/idempotency.h"
#include "common/pg/transaction.h"
#include "services/listings/change_feed.h"

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
  data.version = state[0].as<int64_t>();
  if (!state[1].is_null()) {
    data.last_import_time = absl::FromUnixMicros(state[1].as<int64_t>());
  }
  for (const auto& row : tx.exec_prepared("load_reviews")) {
    v1::Review& r = data.reviews.emplace_back();
    r.set_year(row[0].as<int>());
    r.set_name(ReviewName(r.year()));
    r.set_title(row[1].as<std::string>());
    if (!row[2].is_null()) {
      r.mutable_published_on()->set_year(row[2].as<int>());
      r.mutable_published_on()->set_month(row[3].as<int>());
      r.mutable_published_on()->set_day(row[4].as<int>());
    }
    r.set_declared_online_count(row[5].as<int>());
    r.set_declared_physical_count(row[6].as<int>());
    r.set_state(static_cast<v1::ReviewState>(row[7].as<int>()));
    r.set_source_url(row[8].as<std::string>());
    r.set_comment_docket_id(row[9].as<std::string>());
    r.set_etag(row[10].as<std::string>());
    *r.mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(row[11].as<int64_t>());
    *r.mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(row[12].as<int64_t>());
    r.set_online_complete_source_url(row[13].as<std::string>());
    r.set_physical_complete_source_url(row[14].as<std::string>());
  }
  for (const auto& row : tx.exec_prepared("load_operators")) {
    v1::Operator& o = data.operators.emplace_back();
    o.set_name(OperatorName(row[0].as<std::string>()));
    o.set_display_name(row[1].as<std::string>());
    for (auto& a : common::JsonStrings(row[2])) o.add_aliases(std::move(a));
    o.set_country_code(row[3].as<std::string>());
    o.set_etag(row[4].as<std::string>());
    *o.mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(row[5].as<int64_t>());
    *o.mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(row[6].as<int64_t>());
  }
  std::map<std::string, size_t> market_index;
  for (const auto& row : tx.exec_prepared("load_markets")) {
    v1::Market& m = data.markets.emplace_back();
    const std::string id = row[0].as<std::string>();
    market_index[id] = data.markets.size() - 1;
    m.set_name(MarketName(id));
    m.set_display_name(row[1].as<std::string>());
    for (auto& a : common::JsonStrings(row[2])) m.add_aliases(std::move(a));
    m.set_kind(static_cast<v1::MarketKind>(row[3].as<int>()));
    m.set_country_code(row[4].as<std::string>());
    m.set_city(row[5].as<std::string>());
    if (!row[6].is_null())
      m.set_operator_(OperatorName(row[6].as<std::string>()));
    m.set_etag(row[7].as<std::string>());
    *m.mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(row[8].as<int64_t>());
    *m.mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(row[9].as<int64_t>());
    for (const auto& merged : common::JsonStrings(row[10])) {
      m.add_merged_markets(MarketName(merged));
    }
  }
  for (const auto& row : tx.exec_prepared("load_domains")) {
    v1::Market& m = data.markets[market_index.at(row[0].as<std::string>())];
    v1::DomainRule* rule = m.add_domains();
    rule->set_pattern(row[1].as<std::string>());
    rule->set_scope(static_cast<v1::MatchScope>(row[2].as<int>()));
  }
  for (const auto& row : tx.exec_prepared("load_listings")) {
    v1::Listing& l = data.listings.emplace_back();
    const int year = row[0].as<int>();
    const std::string market = row[1].as<std::string>();
    l.set_name(ListingName(year, market));
    l.set_market(MarketName(market));
    for (const int t : common::JsonInts(row[2])) {
      l.add_infringement_types(static_cast<v1::InfringementType>(t));
    }
    l.set_summary(row[3].as<std::string>());
    l.set_source_url(row[4].as<std::string>());
    l.set_reported_first_year(row[5].as<int>());
    l.set_etag(row[6].as<std::string>());
    *l.mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(row[7].as<int64_t>());
    *l.mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(row[8].as<int64_t>());
    l.set_confidence(static_cast<v1::Confidence>(row[9].as<int>()));
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
  if (!c.delete_listings.empty()) {
    Json keys = Json::array();
    for (const std::string& name : c.delete_listings) {
      const auto key = *ParseListingName(name);
      keys.push_back({{"year", key.year}, {"market_id", key.market_id}});
    }
    tx.exec_prepared("delete_listings", keys.dump());
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
  c.prepare("write_lock",
            "SELECT pg_advisory_xact_lock(hashtext('nml_listings_write'))");
  c.prepare("load_state", "SELECT version, " +
                              common::MicrosSql("last_import_time") +
                              " FROM data_state");
  c.prepare(
      "load_reviews",
      "SELECT year, title, extract(year FROM published_on)::int, "
      "extract(month FROM published_on)::int, extract(day FROM "
      "published_on)::int, "
      "declared_online_count, declared_physical_count, state, source_url, "
      "comment_docket_id, revision, " +
          common::MicrosSql("create_time") + ", " +
          common::MicrosSql("update_time") +
          ", online_complete_source_url, physical_complete_source_url "
          "FROM reviews ORDER BY year");
  c.prepare("load_operators",
            "SELECT id, display_name, to_json(aliases)::text, country_code, "
            "revision, " +
                common::MicrosSql("create_time") + ", " +
                common::MicrosSql("update_time") +
                " FROM operators ORDER BY id");
  c.prepare("load_markets",
            "SELECT id, display_name, to_json(aliases)::text, kind, "
            "country_code, city, "
            "operator_id, revision, " +
                common::MicrosSql("create_time") + ", " +
                common::MicrosSql("update_time") +
                ", to_json(merged_ids)::text FROM markets ORDER BY id");
  c.prepare("load_domains",
            "SELECT market_id, pattern, scope FROM market_domains "
            "ORDER BY market_id, position");
  c.prepare(
      "load_listings",
      "SELECT year, market_id, to_json(infringement_types)::text, summary, "
      "source_url, reported_first_year, revision, " +
          common::MicrosSql("create_time") + ", " +
          common::MicrosSql("update_time") +
          ", confidence FROM listings ORDER BY year, market_id");
  const std::string create = common::FromMicrosSql("x.create_us");
  const std::string update = common::FromMicrosSql("x.update_us");
  c.prepare("upsert_operators",
            "INSERT INTO operators (id, display_name, aliases, country_code, "
            "revision, create_time, update_time) "
            "SELECT x.id, x.display_name, "
            "ARRAY(SELECT json_array_elements_text(x.aliases)), "
            "x.country_code, x.revision, " +
                create + ", " + update +
                " FROM json_to_recordset($1::json) AS x(id text, "
                "display_name text, aliases json, country_code text, "
                "revision bigint, create_us bigint, update_us bigint) "
                "ON CONFLICT (id) DO UPDATE SET "
                "display_name = EXCLUDED.display_name, "
                "aliases = EXCLUDED.aliases, "
                "country_code = EXCLUDED.country_code, "
                "revision = EXCLUDED.revision, "
                "update_time = EXCLUDED.update_time");
  c.prepare("delete_domains",
            "DELETE FROM market_domains WHERE market_id = "
            "ANY(ARRAY(SELECT json_array_elements_text($1::json)))");
  c.prepare("upsert_markets",
            "INSERT INTO markets (id, display_name, aliases, kind, "
            "country_code, city, operator_id, revision, create_time, "
            "update_time, merged_ids) "
            "SELECT x.id, x.display_name, "
            "ARRAY(SELECT json_array_elements_text(x.aliases)), x.kind, "
            "x.country_code, x.city, NULLIF(x.operator_id, ''), x.revision, " +
                create + ", " + update +
                ", ARRAY(SELECT json_array_elements_text(x.merged_ids))"
                " FROM json_to_recordset($1::json) AS x(id text, "
                "display_name text, aliases json, kind smallint, "
                "country_code text, city text, operator_id text, "
                "revision bigint, create_us bigint, update_us bigint, "
                "merged_ids json) "
                "ON CONFLICT (id) DO UPDATE SET "
                "display_name = EXCLUDED.display_name, "
                "aliases = EXCLUDED.aliases, kind = EXCLUDED.kind, "
                "country_code = EXCLUDED.country_code, city = EXCLUDED.city, "
                "operator_id = EXCLUDED.operator_id, "
                "merged_ids = EXCLUDED.merged_ids, "
                "revision = EXCLUDED.revision, "
                "update_time = EXCLUDED.update_time");
  c.prepare("insert_domains",
            "INSERT INTO market_domains (pattern, market_id, scope, position) "
            "SELECT pattern, market_id, scope, position "
            "FROM json_to_recordset($1::json) AS x(pattern text, "
            "market_id text, scope smallint, position integer)");
  c.prepare(
      "upsert_review",
      "INSERT INTO reviews (year, title, published_on, declared_online_count, "
      "declared_physical_count, state, source_url, comment_docket_id, "
      "revision, create_time, update_time, online_complete_source_url, "
      "physical_complete_source_url) VALUES ($1, $2, NULLIF($3, '')::date, "
      "$4, $5, $6, $7, $8, $9, " +
          common::FromMicrosSql(10) + ", " + common::FromMicrosSql(11) +
          ", $12, $13) ON CONFLICT (year) DO UPDATE SET title = "
          "EXCLUDED.title, "
          "online_complete_source_url = EXCLUDED.online_complete_source_url, "
          "physical_complete_source_url = "
          "EXCLUDED.physical_complete_source_url, "
          "published_on = EXCLUDED.published_on, "
          "declared_online_count = EXCLUDED.declared_online_count, "
          "declared_physical_count = EXCLUDED.declared_physical_count, "
          "state = EXCLUDED.state, source_url = EXCLUDED.source_url, "
          "comment_docket_id = EXCLUDED.comment_docket_id, "
          "revision = EXCLUDED.revision, update_time = EXCLUDED.update_time");
  c.prepare("delete_listings",
            "DELETE FROM listings l USING json_to_recordset($1::json) "
            "AS x(year integer, market_id text) "
            "WHERE l.year = x.year AND l.market_id = x.market_id");
  c.prepare("upsert_listings",
            "INSERT INTO listings (year, market_id, infringement_types, "
            "summary, source_url, reported_first_year, confidence, revision, "
            "create_time, update_time) "
            "SELECT x.year, x.market_id, ARRAY(SELECT "
            "json_array_elements_text(x.infringement_types)::smallint), "
            "x.summary, x.source_url, x.reported_first_year, x.confidence, "
            "x.revision, " +
                create + ", " + update +
                " FROM json_to_recordset($1::json) AS x(year integer, "
                "market_id text, infringement_types json, summary text, "
                "source_url text, reported_first_year integer, "
                "confidence smallint, revision bigint, create_us bigint, "
                "update_us bigint) "
                "ON CONFLICT (year, market_id) DO UPDATE SET "
                "infringement_types = EXCLUDED.infringement_types, "
                "summary = EXCLUDED.summary, "
                "source_url = EXCLUDED.source_url, "
                "reported_first_year = EXCLUDED.reported_first_year, "
                "confidence = EXCLUDED.confidence, "
                "revision = EXCLUDED.revision, "
                "update_time = EXCLUDED.update_time");
  c.prepare("delete_market", "DELETE FROM markets WHERE id = $1");
  c.prepare("delete_review", "DELETE FROM reviews WHERE year = $1");
  c.prepare("delete_operator", "DELETE FROM operators WHERE id = $1");
  c.prepare("mark_import", "UPDATE data_state SET last_import_time = " +
                               common::FromMicrosSql(1));
  c.prepare("read_version", "SELECT version FROM data_state");
  c.prepare("insert_changes",
            "INSERT INTO changes (data_version, resource, kind, body) "
            "SELECT $2, e.v->>'resource', (e.v->>'kind')::smallint, "
            "decode(e.v->>'body', 'base64') "
            "FROM json_array_elements($1::json) WITH ORDINALITY AS e(v, n) "
            "ORDER BY e.n");
  // Changes up to $1 leave the log, which then starts after $1.
  c.prepare("prune_changes",
            "WITH cut AS (UPDATE data_state SET changes_after = $1 "
            "WHERE changes_after < $1 RETURNING changes_after) "
            "DELETE FROM changes WHERE data_version <= (SELECT "
            "changes_after FROM cut)");
  c.prepare("list_changes",
            "SELECT seq, data_version, resource, kind, body FROM changes "
            "WHERE data_version > $1 AND data_version <= $2 AND seq > $3 "
            "ORDER BY seq LIMIT $4");
  c.prepare("read_feed_state", "SELECT version, changes_after FROM data_state");
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
            tx.exec_prepared1("read_version")[0].as<int64_t>();
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
        Apply(tx, planned->changes, now);
        result.data_version =
            tx.exec_prepared1("read_version")[0].as<int64_t>();
        if (result.data_version != version) {
          // The change feed, in the same transaction as the changes.
          Json rows = Json::array();
          for (const Change& c : ChangesOf(planned->changes)) {
            rows.push_back({{"resource", c.resource},
                            {"kind", c.deleted ? 2 : 1},
                            {"body", absl::Base64Escape(c.body)}});
          }
          tx.exec_prepared("insert_changes", rows.dump(), result.data_version);
          tx.exec_prepared("prune_changes",
                           result.data_version - retained_versions_);
        }
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
        return tx.exec_prepared1("read_version")[0].as<int64_t>();
      });
}

absl::StatusOr<ListingsStore::ChangePage> PgListingsStore::ListChanges(
    int64_t since, int64_t after_seq, int limit) {
  return common::Transact<pqxx::read_transaction>(
      pool_, [&](pqxx::read_transaction& tx) -> absl::StatusOr<ChangePage> {
        ChangePage page;
        // The version first: every change up to it is committed with it, so
        // a follower that goes on from it misses nothing.
        const auto state = tx.exec_prepared1("read_feed_state");
        page.data_version = state[0].as<int64_t>();
        page.changes_after = state[1].as<int64_t>();
        const auto rows = tx.exec_prepared(
            "list_changes", since, page.data_version, after_seq, limit + 1);
        for (const auto& row : rows) {
          if (static_cast<int>(page.changes.size()) == limit) {
            page.more = true;
            break;
          }
          Change& c = page.changes.emplace_back();
          c.seq = page.last_seq = row[0].as<int64_t>();
          c.data_version = row[1].as<int64_t>();
          c.resource = row[2].as<std::string>();
          c.deleted = row[3].as<int>() == 2;
          const pqxx::binarystring body(row[4]);
          c.body = body.str();
        }
        return page;
      });
}

}  // namespace nml::listings
