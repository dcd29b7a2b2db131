#include "common/pg/migrations.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "services/listings/migrations.h"
#include "tests/support/test_database.h"

namespace nml::common {
namespace {

using nml::testing::TestDatabase;

const std::vector<Migration> kTwoSteps = {
    {1, "001_things", "CREATE TABLE things (id integer PRIMARY KEY);"},
    {2, "002_more", "ALTER TABLE things ADD COLUMN label text;"},
};

int CountRows(const std::string& url, const std::string& sql) {
  pqxx::connection connection(url);
  pqxx::nontransaction tx(connection);
  return tx.exec1(sql)[0].as<int>();
}

TEST(ApplyMigrations, RunningTwiceIsANoOp) {
  TestDatabase db;
  pqxx::connection connection(db.url());
  auto first = ApplyMigrations(connection, "test", kTwoSteps);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->applied, 2);
  EXPECT_EQ(first->current_version, 2);

  auto second = ApplyMigrations(connection, "test", kTwoSteps);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->applied, 0);
  EXPECT_EQ(second->current_version, 2);
  EXPECT_EQ(CountRows(db.url(), "SELECT count(*) FROM schema_migrations"), 2);
}

TEST(ApplyMigrations, InstancesStartingTogetherMigrateOnce) {
  TestDatabase db;
  constexpr int kInstances = 6;
  std::vector<int> applied(kInstances, -1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      pqxx::connection connection(db.url());
      auto result = ApplyMigrations(connection, "test", kTwoSteps);
      applied[i] = result.ok() ? result->applied : -100;
    });
  }
  for (auto& t : threads) t.join();
  int total = 0;
  for (int a : applied) {
    EXPECT_GE(a, 0) << "an instance failed to migrate";
    total += a;
  }
  EXPECT_EQ(total, 2) << "each migration must run exactly once";
  EXPECT_EQ(CountRows(db.url(), "SELECT count(*) FROM schema_migrations"), 2);
}

TEST(ApplyMigrations, NewMigrationsApplyOnTopOfOldOnes) {
  TestDatabase db;
  pqxx::connection connection(db.url());
  ASSERT_TRUE(ApplyMigrations(connection, "test", {kTwoSteps[0]}).ok());
  auto result = ApplyMigrations(connection, "test", kTwoSteps);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->applied, 1);
  EXPECT_EQ(result->current_version, 2);
}

TEST(ApplyMigrations, RefusesAnEditedMigration) {
  TestDatabase db;
  pqxx::connection connection(db.url());
  ASSERT_TRUE(ApplyMigrations(connection, "test", kTwoSteps).ok());
  std::vector<Migration> edited = kTwoSteps;
  edited[1].sql = "ALTER TABLE things ADD COLUMN label varchar(10);";
  auto result = ApplyMigrations(connection, "test", edited);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(result.status().message().find("002_more"),
            absl::string_view::npos);
}

TEST(ApplyMigrations, RefusesADatabaseNewerThanTheBinary) {
  TestDatabase db;
  pqxx::connection connection(db.url());
  ASSERT_TRUE(ApplyMigrations(connection, "test", kTwoSteps).ok());
  auto result = ApplyMigrations(connection, "test", {kTwoSteps[0]});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ApplyMigrations, AFailingMigrationLeavesNothingBehind) {
  TestDatabase db;
  pqxx::connection connection(db.url());
  const std::vector<Migration> broken = {
      kTwoSteps[0], {2, "002_broken", "ALTER TABLE nope ADD COLUMN x int;"}};
  auto result = ApplyMigrations(connection, "test", broken);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(CountRows(db.url(),
                      "SELECT count(*) FROM information_schema.tables "
                      "WHERE table_name IN ('things', 'schema_migrations')"),
            0);
}

TEST(ListingsSchema, AppliesCleanly) {
  TestDatabase db;
  pqxx::connection connection(db.url());
  auto result =
      ApplyMigrations(connection, "nml_listings", nml::listings::Migrations());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GE(result->applied, 1);
  EXPECT_EQ(CountRows(db.url(), "SELECT count(*) FROM data_state"), 1);
}

}  // namespace
}  // namespace nml::common
