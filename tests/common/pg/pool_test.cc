#include "common/pg/pool.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "common/pg/transaction.h"
#include "tests/support/test_database.h"

namespace nml::common {
namespace {

using nml::testing::TestDatabase;

DatabaseOptions Options(const std::string& url) {
  DatabaseOptions options;
  options.url = url;
  options.pool_size = 2;
  options.statement_timeout_ms = 300;
  options.acquire_timeout_ms = 200;
  return options;
}

TEST(PgPool, StatementsOverTheTimeoutAreCancelled) {
  TestDatabase db;
  PgPool pool(Options(db.url()), "pool-test");
  const absl::Status status = pool.Run([](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("SELECT pg_sleep(5)");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
}

TEST(PgPool, ABusyPoolRefusesInsteadOfGrowing) {
  TestDatabase db;
  PgPool pool(Options(db.url()), "pool-test");
  auto a = pool.Acquire();
  auto b = pool.Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  auto c = pool.Acquire();
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(pool.GetStats().open, 2);
}

TEST(PgPool, ReplacesAConnectionTheServerKilled) {
  TestDatabase db;
  PgPool pool(Options(db.url()), "pool-test");
  int first_pid = 0;
  ASSERT_TRUE(pool.Run([&](pqxx::connection& c) {
                    first_pid = c.backendpid();
                    return absl::OkStatus();
                  })
                  .ok());
  {
    pqxx::connection admin(db.url());
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend($1)", first_pid);
  }
  int second_pid = 0;
  const absl::Status status = pool.Run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec("SELECT 1");
    second_pid = c.backendpid();
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_NE(second_pid, first_pid);
  EXPECT_GE(pool.GetStats().broken_total, 1u);
}

TEST(PgPool, AnUnreachableDatabaseIsUnavailable) {
  DatabaseOptions options = Options("postgresql://nobody@127.0.0.1:1/none");
  PgPool pool(options, "pool-test");
  EXPECT_EQ(pool.Acquire().status().code(), absl::StatusCode::kUnavailable);
  DatabaseProbe probe(options, "probe-test");
  EXPECT_EQ(probe.Check().code(), absl::StatusCode::kUnavailable);
}

TEST(PgPool, PreparesStatementsOnEveryNewConnection) {
  TestDatabase db;
  PgPool pool(Options(db.url()), "pool-test",
              [](pqxx::connection& c) { c.prepare("answer", "SELECT 42"); });
  int answer = 0;
  ASSERT_TRUE(pool.Run([&](pqxx::connection& c) {
                    pqxx::nontransaction tx(c);
                    answer = tx.exec_prepared1("answer")[0].as<int>();
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(answer, 42);
}

TEST(ExecPrepared, PreparesEachShapeOncePerConnectionUpToABound) {
  TestDatabase db;
  PgPool pool(Options(db.url()), "pool-test");
  // More distinct texts than are ever prepared: every one still answers,
  // and no connection holds more than kMaxPreparedShapes statements.
  const size_t shapes = kMaxPreparedShapes + 20;
  int64_t prepared = 0;
  ASSERT_TRUE(pool.Run([&](pqxx::connection& c) {
                    pqxx::nontransaction tx(c);
                    for (size_t i = 0; i < shapes; ++i) {
                      const std::string sql =
                          "SELECT $1::int + " + std::to_string(i);
                      for (int again = 0; again < 2; ++again) {
                        const int got =
                            ExecPrepared(tx, sql, 1)[0][0].as<int>();
                        EXPECT_EQ(got, static_cast<int>(i) + 1);
                      }
                    }
                    prepared = tx.exec1(
                                     "SELECT count(*) FROM "
                                     "pg_prepared_statements")[0]
                                   .as<int64_t>();
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_GT(prepared, 0);
  EXPECT_LE(prepared, static_cast<int64_t>(kMaxPreparedShapes));
}

}  // namespace
}  // namespace nml::common
