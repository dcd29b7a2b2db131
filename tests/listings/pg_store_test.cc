// PgListingsStore on a real PostgreSQL: planned writes are all-or-nothing,
// idempotent, and what is written loads back the same.
#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <memory>
#include <pqxx/pqxx>
#include <set>

#include "services/listings/change_feed.h"
#include "services/listings/migrations.h"
#include "services/listings/pg_listings_store.h"
#include "services/listings/planner.h"
#include "services/listings/snapshot.h"
#include "tests/support/test_database.h"

namespace nml::listings {
namespace {

class PgListingsStoreTest : public ::testing::Test {
 protected:
  PgListingsStoreTest() {
    pqxx::connection connection(db_.url());
    EXPECT_TRUE(
        common::ApplyMigrations(connection, "nml_listings", Migrations()).ok());
  }

  static common::DatabaseOptions Options(const std::string& url) {
    common::DatabaseOptions options;
    options.url = url;
    options.pool_size = 2;
    return options;
  }

  // A write that creates `display_name` through the real planner.
  absl::StatusOr<ListingsStore::WriteResult> CreateMarket(
      const std::string& display_name, const std::string& request_id) {
    v1::CreateMarketRequest request;
    request.mutable_market()->set_display_name(display_name);
    request.mutable_market()->set_kind(v1::MARKET_KIND_ONLINE);
    request.mutable_market()->set_country_code("CN");
    request.mutable_market()->add_aliases(display_name + " Mall");
    v1::DomainRule* rule = request.mutable_market()->add_domains();
    rule->set_pattern(absl::AsciiStrToLower(display_name) + ".com");
    rule->set_scope(v1::MATCH_SCOPE_EXACT_HOST);
    return store_.Write(
        common::IdempotencyKeyOf(request, request_id),
        [&](const SnapshotData& current)
            -> absl::StatusOr<ListingsStore::Planned> {
          auto plan = PlanCreateMarket(current, request, absl::Now());
          if (!plan.ok()) return plan.status();
          ListingsStore::Planned planned;
          planned.changes = plan->changes;
          planned.answer = [market = plan->response.market()](int64_t) {
            return market.SerializeAsString();
          };
          return planned;
        },
        nullptr);
  }

  // The change feed's entries of `version` are each resource the write
  // changed once, as a reload reads it, or deleted.
  void ExpectTheFeedRecords(const SnapshotData& loaded, int64_t version) {
    auto page = store_.ListChanges(version - 1, 0, 100000);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_FALSE(page->changes.empty());
    std::set<std::string> seen;
    for (const ListingsStore::Change& c : page->changes) {
      SCOPED_TRACE(c.resource);
      EXPECT_EQ(c.data_version, version);
      EXPECT_TRUE(seen.insert(c.resource).second) << "recorded twice";
      const google::protobuf::Message* stored = Find(loaded, c.resource);
      EXPECT_EQ(stored == nullptr, c.deleted);
      if (stored == nullptr || c.deleted) continue;
      std::unique_ptr<google::protobuf::Message> recorded(stored->New());
      ASSERT_TRUE(ParseChange(c, *recorded).ok());
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*recorded,
                                                                     *stored))
          << recorded->DebugString() << " vs " << stored->DebugString();
    }
  }

  static const google::protobuf::Message* Find(const SnapshotData& data,
                                               const std::string& name) {
    const google::protobuf::Message* found = nullptr;
    auto look = [&](const auto& items) {
      for (const auto& item : items) {
        if (item.name() == name) found = &item;
      }
    };
    look(data.reviews);
    look(data.operators);
    look(data.markets);
    look(data.listings);
    return found;
  }

  nml::testing::TestDatabase db_;
  common::PgPool pool_{Options(db_.url()), "store-test",
                       PgListingsStore::PrepareStatements};
  PgListingsStore store_{pool_};
};

TEST_F(PgListingsStoreTest, WhatIsWrittenLoadsBackTheSame) {
  auto written = CreateMarket("Taobao", "");
  ASSERT_TRUE(written.ok()) << written.status();
  v1::Market answered;
  ASSERT_TRUE(answered.ParseFromString(written->answer));

  auto loaded = store_.LoadAll();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->version, written->data_version);
  ASSERT_EQ(loaded->markets.size(), 1u);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      loaded->markets[0], answered))
      << loaded->markets[0].DebugString() << " vs " << answered.DebugString();
}

TEST_F(PgListingsStoreTest, ARefusedPlanWritesNothing) {
  ASSERT_TRUE(CreateMarket("Taobao", "").ok());
  const int64_t version = store_.LoadAll()->version;
  auto refused = CreateMarket("Taobao", "");  // the same domain again
  EXPECT_FALSE(refused.ok());
  auto loaded = store_.LoadAll();
  EXPECT_EQ(loaded->version, version);
  EXPECT_EQ(loaded->markets.size(), 1u);
}

TEST_F(PgListingsStoreTest, ARetryReplaysAndAReusedIdIsRefused) {
  auto first = CreateMarket("DHgate", "req-1");
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = CreateMarket("DHgate", "req-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->answer, first->answer);
  EXPECT_EQ(retry->data_version, first->data_version);

  auto reused = CreateMarket("Pinduoduo", "req-1");
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_.LoadAll()->markets.size(), 1u);
}

// What a writer publishes must be what a reload reads: every kind of change,
// planned both on data the store read and on data the caller held.
TEST_F(PgListingsStoreTest, TheDataAfterAWriteIsWhatAReloadReads) {
  std::optional<SnapshotData> known;
  int step = 0;
  auto write = [&](const google::protobuf::Message& request, auto plan) {
    SCOPED_TRACE(absl::StrCat("step ", ++step));
    auto result = store_.Write(
        {request.GetDescriptor()->name(), "", request.SerializeAsString()},
        [&](const SnapshotData& current)
            -> absl::StatusOr<ListingsStore::Planned> {
          auto planned = plan(current);
          if (!planned.ok()) return planned.status();
          ListingsStore::Planned out;
          out.changes = planned->changes;
          out.answer = [](int64_t) { return std::string(); };
          return out;
        },
        step % 2 == 0 && known ? &*known : nullptr);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->data.has_value());
    auto loaded = store_.LoadAll();
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(result->data->version, loaded->version);
    EXPECT_EQ(result->data->last_import_time, loaded->last_import_time);
    const auto published = Snapshot::Build(*result->data, absl::Now());
    const auto reloaded = Snapshot::Build(*loaded, absl::Now());
    auto same = [](const auto& a, const auto& b) {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!google::protobuf::util::MessageDifferencer::Equals(a[i], b[i])) {
          ADD_FAILURE() << a[i].DebugString() << " vs " << b[i].DebugString();
          return false;
        }
      }
      return true;
    };
    EXPECT_TRUE(same(published->reviews(), reloaded->reviews()));
    EXPECT_TRUE(same(published->markets(), reloaded->markets()));
    EXPECT_TRUE(same(published->operators(), reloaded->operators()));
    EXPECT_TRUE(same(published->listings(), reloaded->listings()));
    ExpectTheFeedRecords(*loaded, result->data->version);
    known = *std::move(result->data);
  };

  v1::ImportReviewRequest import;
  import.set_request_id("import-2021");
  import.mutable_review()->set_year(2021);
  import.mutable_review()->set_declared_online_count(2);
  import.mutable_review()->set_declared_physical_count(1);
  for (const auto& [name, kind, domain] :
       std::vector<std::tuple<std::string, v1::MarketKind, std::string>>{
           {"AliExpress", v1::MARKET_KIND_ONLINE, "aliexpress.com"},
           {"Taobao", v1::MARKET_KIND_ONLINE, "taobao.com"},
           {"Kidderpore", v1::MARKET_KIND_PHYSICAL, ""}}) {
    v1::ImportedListing* row = import.add_listings();
    row->set_market_display_name(name);
    row->set_kind(kind);
    row->set_country("CN");
    row->set_operator_display_name(kind == v1::MARKET_KIND_ONLINE ? "Alibaba"
                                                                  : "");
    row->add_infringement_types(v1::INFRINGEMENT_TYPE_COUNTERFEITING);
    row->set_source_url("https://example.org/2021");
    if (!domain.empty()) {
      v1::DomainRule* rule = row->add_domains();
      rule->set_pattern(domain);
      rule->set_scope(v1::MATCH_SCOPE_HOST_AND_SUBDOMAINS);
    }
  }
  write(import, [&](const SnapshotData& d) {
    return PlanImportReview(d, import, absl::Now());
  });

  v1::ImportReviewRequest next = import;
  next.set_request_id("import-2022");
  next.mutable_review()->set_year(2022);
  // 2022 lists Taobao again and Pinduoduo for the first time, not
  // AliExpress or Kidderpore.
  next.mutable_listings()->SwapElements(0, 1);
  next.mutable_listings()->DeleteSubrange(1, 2);
  v1::ImportedListing* pinduoduo = next.add_listings();
  *pinduoduo = next.listings(0);
  pinduoduo->set_market_display_name("Pinduoduo");
  pinduoduo->mutable_domains(0)->set_pattern("pinduoduo.com");
  next.mutable_review()->set_declared_online_count(2);
  next.mutable_review()->set_declared_physical_count(0);
  write(next, [&](const SnapshotData& d) {
    return PlanImportReview(d, next, absl::Now());
  });

  v1::UpdateMarketRequest update;
  update.mutable_market()->set_name("markets/taobao");
  update.mutable_market()->set_city("Hangzhou");
  update.mutable_market()->add_aliases("Taobao Marketplace");
  update.mutable_update_mask()->add_paths("city");
  update.mutable_update_mask()->add_paths("aliases");
  write(update, [&](const SnapshotData& d) {
    return PlanUpdateMarket(d, update, absl::Now());
  });

  v1::MergeMarketsRequest merge;
  merge.set_market("markets/aliexpress");
  merge.add_merged_markets("markets/pinduoduo");
  write(merge, [&](const SnapshotData& d) {
    return PlanMergeMarkets(d, merge, absl::Now());
  });

  v1::DeleteReviewRequest remove;
  remove.set_name("reviews/2022");
  write(remove,
        [&](const SnapshotData& d) { return PlanDeleteReview(d, remove); });
}

// The feed is recorded by the database, so a write no service made (a fix
// made in SQL) is in it too, with the version it made.
TEST_F(PgListingsStoreTest, AChangeMadeInSqlIsInTheChangeFeed) {
  ASSERT_TRUE(CreateMarket("Taobao", "").ok());
  {
    pqxx::connection connection(db_.url());
    pqxx::work tx(connection);
    tx.exec("UPDATE markets SET city = 'Hangzhou' WHERE id = 'taobao'");
    tx.exec(
        "INSERT INTO market_domains (pattern, market_id, scope, position) "
        "VALUES ('tmall.com', 'taobao', 2, 1)");
    tx.commit();
  }
  auto loaded = store_.LoadAll();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->markets.size(), 1u);
  EXPECT_EQ(loaded->markets[0].city(), "Hangzhou");
  EXPECT_EQ(loaded->markets[0].domains_size(), 2);
  ExpectTheFeedRecords(*loaded, loaded->version);
}

// Changes recorded before the triggers (migration 006) hold protobuf, and
// point-in-time screening still replays them.
TEST_F(PgListingsStoreTest, AChangeRecordedBeforeTheTriggersStillReads) {
  v1::Market market;
  market.set_name("markets/taobao");
  market.set_display_name("Taobao");
  {
    pqxx::connection connection(db_.url());
    pqxx::work tx(connection);
    tx.exec_params(
        "INSERT INTO changes (data_version, resource, kind, body) "
        "VALUES (0, 'markets/taobao', 1, $1)",
        pqxx::binarystring(market.SerializeAsString()));
    tx.exec("UPDATE data_state SET changes_after = -1");
    tx.commit();
  }
  auto page = store_.ListChanges(-1, 0, 10);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->changes.size(), 1u);
  v1::Market read;
  ASSERT_TRUE(ParseChange(page->changes[0], read).ok());
  EXPECT_EQ(read.display_name(), "Taobao");
}

TEST_F(PgListingsStoreTest, TheChangeLogKeepsTheVersionsItIsToldTo) {
  ASSERT_TRUE(store_.KeepChanges(2).ok());
  for (const char* name : {"Taobao", "DHgate", "Pinduoduo", "Shopee"}) {
    ASSERT_TRUE(CreateMarket(name, "").ok());
  }
  auto page = store_.ListChanges(0, 0, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->changes_after, page->data_version - 2);
  EXPECT_EQ(page->CheckSince(0).code(), absl::StatusCode::kOutOfRange);
  ASSERT_EQ(page->changes.size(), 2u);
  EXPECT_EQ(page->changes[0].resource, "markets/pinduoduo");
  EXPECT_EQ(page->changes[1].resource, "markets/shopee");
}

}  // namespace
}  // namespace nml::listings
