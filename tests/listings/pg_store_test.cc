// PgListingsStore on a real PostgreSQL: planned writes are all-or-nothing,
// idempotent, and what is written loads back the same.
#include <absl/strings/ascii.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "services/listings/migrations.h"
#include "services/listings/pg_listings_store.h"
#include "services/listings/planner.h"
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
        });
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

}  // namespace
}  // namespace nml::listings
