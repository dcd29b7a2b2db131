// PgResponsesStore on a real PostgreSQL: the contract the handlers rely
// on, held by SQL (transactions, idempotency, keyset pages, bound filters).
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "common/api/idempotency.h"
#include "services/responses/migrations.h"
#include "services/responses/pg_responses_store.h"
#include "services/responses/response_rules.h"
#include "tests/support/test_database.h"

namespace nml::responses {
namespace {

constexpr size_t kNoLimit = 64 << 20;

class PgResponsesStoreTest : public ::testing::Test {
 protected:
  PgResponsesStoreTest() {
    pqxx::connection connection(db_.url());
    EXPECT_TRUE(
        common::ApplyMigrations(connection, "nml_responses", Migrations())
            .ok());
  }

 public:
  static common::DatabaseOptions Options(const std::string& url) {
    common::DatabaseOptions options;
    options.url = url;
    options.pool_size = 2;
    return options;
  }

  v1::Stakeholder Stakeholder(const std::string& id) {
    v1::Stakeholder s;
    s.set_name("stakeholders/" + id);
    s.set_display_name(id);
    s.set_type(v1::STAKEHOLDER_TYPE_GOVERNMENT);
    auto written = store_.CreateStakeholder(s, {});
    EXPECT_TRUE(written.ok()) << written.status();
    return written.ok() ? written->value : s;
  }

  static v1::Response Response(const std::string& stakeholder, int year) {
    v1::Response r;
    r.set_stakeholder(stakeholder);
    r.set_review_year(year);
    r.add_targets("markets/aliexpress");
    r.set_stance(v1::STANCE_DISAGREES);
    r.set_summary("Rejected the listing.");
    r.set_source_url("https://example.org/statement");
    return r;
  }

  nml::testing::TestDatabase db_;
  common::PgPool pool_{Options(db_.url()), "store-test",
                       PgResponsesStore::PrepareStatements};
  PgResponsesStore store_{pool_};
};

TEST_F(PgResponsesStoreTest, AnIdempotentCreateReplaysAndARefusedIdWritesNot) {
  const v1::Stakeholder s = Stakeholder("mofcom");
  v1::CreateResponseRequest request;
  *request.mutable_response() = Response(s.name(), 2021);
  const Idempotency key = common::IdempotencyKeyOf(request, "create-1");

  auto first = store_.CreateResponse(request.response(), key);
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = store_.CreateResponse(request.response(), key);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->value.name(), first->value.name());
  EXPECT_EQ(again->data_version, first->data_version);

  request.mutable_response()->set_review_year(2022);
  auto reused = store_.CreateResponse(
      request.response(), common::IdempotencyKeyOf(request, "create-1"));
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists);

  ResponseQuery all;
  auto page = store_.ListResponses(all);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->responses.size(), 1u);
}

TEST_F(PgResponsesStoreTest, ARefusedUpdateRollsBack) {
  const v1::Stakeholder s = Stakeholder("tencent");
  auto created = store_.CreateResponse(Response(s.name(), 2021), {});
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string id = created->value.name().substr(10);
  auto refused = store_.UpdateResponse(id, [](v1::Response& r) {
    r.set_summary("changed");
    return absl::InvalidArgumentError("refused by the handler");
  });
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  int64_t version = 0;
  auto stored = store_.GetResponse(id, 0, &version);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->summary(), "Rejected the listing.");
  EXPECT_EQ(version, created->data_version);

  auto missing = store_.UpdateResponse(
      "0000", [](v1::Response&) { return absl::OkStatus(); });
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(PgResponsesStoreTest, KeysetPagesFollowTheFilterAndOrder) {
  const v1::Stakeholder s = Stakeholder("alibaba");
  const v1::Stakeholder other = Stakeholder("aafa");
  for (int year : {2019, 2020, 2021, 2022, 2023}) {
    ASSERT_TRUE(store_.CreateResponse(Response(s.name(), year), {}).ok());
  }
  ASSERT_TRUE(store_.CreateResponse(Response(other.name(), 2021), {}).ok());

  ResponseQuery query;
  auto filter = common::Filter::Parse(
      "stakeholder = \"stakeholders/alibaba\" AND review_year >= 2020",
      ResponseFilterSchema());
  ASSERT_TRUE(filter.ok()) << filter.status();
  query.filter = *filter;
  query.order = ResponseQuery::Order::kReviewYear;
  query.descending = true;
  query.limit = 3;
  std::vector<int> years;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = store_.ListResponses(query);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& r : page->responses) years.push_back(r.review_year());
    if (!page->next) break;
    query.after = page->next;
  }
  EXPECT_EQ(years, (std::vector<int>{2023, 2022, 2021, 2020}));

  auto bad = common::Filter::Parse("stakeholder = \"alibaba\"",
                                   ResponseFilterSchema());
  ASSERT_TRUE(bad.ok());
  query.filter = *bad;
  query.after.reset();
  EXPECT_EQ(store_.ListResponses(query).status().code(),
            absl::StatusCode::kInvalidArgument)
      << "a value the column cannot hold is the caller's error";
}

TEST_F(PgResponsesStoreTest, ATargetFilterPagesInEveryOrderAndFollowsEdits) {
  const v1::Stakeholder s = Stakeholder("mofcom");
  std::vector<std::string> ids;
  for (int year : {2023, 2019, 2021, 2020, 2022}) {
    v1::Response r = Response(s.name(), year);
    r.add_targets("reviews/" + std::to_string(year));
    r.mutable_stated_on()->set_year(year + 1);
    auto created = store_.CreateResponse(r, {});
    ASSERT_TRUE(created.ok()) << created.status();
    ids.push_back(created->value.name().substr(10));
  }
  v1::Response elsewhere = Response(s.name(), 2021);
  elsewhere.set_targets(0, "markets/taobao");
  ASSERT_TRUE(store_.CreateResponse(elsewhere, {}).ok());

  // Every page of 2, in each order and direction, with another condition.
  auto years = [&](const std::string& filter, ResponseQuery::Order order,
                   bool descending) {
    ResponseQuery query;
    query.filter = *common::Filter::Parse(filter, ResponseFilterSchema());
    query.order = order;
    query.descending = descending;
    query.limit = 2;
    std::vector<int> out;
    for (int pages = 0; pages < 10; ++pages) {
      auto page = store_.ListResponses(query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const auto& r : page->responses) out.push_back(r.review_year());
      if (!page->next) break;
      query.after = page->next;
    }
    return out;
  };
  const std::string market = "targets:\"markets/aliexpress\"";
  using Order = ResponseQuery::Order;
  EXPECT_EQ(years(market, Order::kStatedOn, false),
            (std::vector<int>{2019, 2020, 2021, 2022, 2023}));
  EXPECT_EQ(years(market, Order::kReviewYear, true),
            (std::vector<int>{2023, 2022, 2021, 2020, 2019}));
  EXPECT_EQ(years(market, Order::kCreated, false),
            (std::vector<int>{2023, 2019, 2021, 2020, 2022}));
  EXPECT_EQ(years(market + " AND review_year >= 2021", Order::kStatedOn, true),
            (std::vector<int>{2023, 2022, 2021}));
  EXPECT_EQ(years("targets:\"reviews/2021\"", Order::kStatedOn, false),
            (std::vector<int>{2021}));

  // A response's new targets and date are what the filter and order see.
  ASSERT_TRUE(store_
                  .UpdateResponse(ids[0],
                                  [](v1::Response& r) {
                                    r.set_targets(0, "markets/taobao");
                                    return absl::OkStatus();
                                  })
                  .ok());
  ASSERT_TRUE(store_
                  .UpdateResponse(ids[1],
                                  [](v1::Response& r) {
                                    r.mutable_stated_on()->set_year(2030);
                                    return absl::OkStatus();
                                  })
                  .ok());
  EXPECT_EQ(years(market, Order::kStatedOn, false),
            (std::vector<int>{2020, 2021, 2022, 2019}));
  EXPECT_EQ(years("targets:\"markets/taobao\"", Order::kStatedOn, false),
            (std::vector<int>{2021, 2023}));
  // An OR is not one target: it is still answered, by the general query.
  EXPECT_EQ(years("targets:\"reviews/2020\" OR targets:\"reviews/2022\"",
                  Order::kStatedOn, false),
            (std::vector<int>{2020, 2022}));
}

TEST_F(PgResponsesStoreTest, TheStakeholderTypeFilterFollowsATypeChange) {
  const v1::Stakeholder s = Stakeholder("aafa");
  ASSERT_TRUE(store_.CreateResponse(Response(s.name(), 2021), {}).ok());
  auto count = [&](const char* type) {
    ResponseQuery query;
    query.filter = *common::Filter::Parse(
        absl::StrCat("stakeholder_type = ", type), ResponseFilterSchema());
    auto page = store_.ListResponses(query);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->responses.size() : 0u;
  };
  EXPECT_EQ(count("STAKEHOLDER_TYPE_GOVERNMENT"), 1u);
  ASSERT_TRUE(store_
                  .UpdateStakeholder(
                      "aafa",
                      [](v1::Stakeholder& x) {
                        x.set_type(v1::STAKEHOLDER_TYPE_INDUSTRY_ASSOCIATION);
                        return absl::OkStatus();
                      })
                  .ok());
  EXPECT_EQ(count("STAKEHOLDER_TYPE_GOVERNMENT"), 0u);
  EXPECT_EQ(count("STAKEHOLDER_TYPE_INDUSTRY_ASSOCIATION"), 1u);
}

TEST_F(PgResponsesStoreTest, DeletionIsGuardedByEtagAndState) {
  const v1::Stakeholder s = Stakeholder("aafa");
  auto created = store_.CreateResponse(Response(s.name(), 2021), {});
  ASSERT_TRUE(created.ok());
  const std::string id = created->value.name().substr(10);
  EXPECT_EQ(store_.SetDeleted(id, true, "99").status().code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(store_.SetDeleted(id, true, created->value.etag()).ok());
  EXPECT_EQ(store_.SetDeleted(id, true, "").status().code(),
            absl::StatusCode::kFailedPrecondition);
  // A deleted response can come back, so it still holds its stakeholder.
  const absl::Status kept = store_.DeleteStakeholder("aafa", "").status();
  EXPECT_EQ(kept.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(kept.message(),
            "stakeholders/aafa still has responses (1 in all, 0 live); a "
            "stakeholder with responses, deleted ones included, cannot be "
            "deleted");
  const v1::Stakeholder unused = Stakeholder("unused");
  EXPECT_TRUE(store_.DeleteStakeholder("unused", unused.etag()).ok());
}

TEST_F(PgResponsesStoreTest, ImportFindsStakeholdersByNameOrAliasOnce) {
  ImportRow row;
  row.stakeholder_display_name = "Ministry of Commerce";
  row.stakeholder_aliases = {"MOFCOM"};
  row.stakeholder_type = v1::STAKEHOLDER_TYPE_GOVERNMENT;
  row.response = Response("", 2021);
  row.response.clear_stakeholder();
  ImportRow alias = row;
  alias.stakeholder_display_name = "MOFCOM";
  alias.stakeholder_aliases.clear();
  alias.response.set_review_year(2022);
  auto written = store_.ImportResponses({row, alias}, {}, {}, kNoLimit);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->value.stakeholders_created(), 1);
  ASSERT_EQ(written->value.responses_size(), 2);
  EXPECT_EQ(written->value.responses(0).stakeholder(),
            written->value.responses(1).stakeholder());

  // The same rows again are not recorded twice.
  auto again = store_.ImportResponses({row, alias}, {}, {}, kNoLimit);
  ASSERT_TRUE(again.ok());
  ResponseQuery all;
  EXPECT_EQ(store_.ListResponses(all)->responses.size(), 2u);
}

TEST_F(PgResponsesStoreTest, ImportOfThousandsOfRowsAnswersEachRowInOrder) {
  // The rows name a stakeholder recorded before (by its name), and a new
  // one in two spellings whose id is taken by another ("film-association"
  // is called "film-association"), and repeat statements within the import
  // and from before it.
  Stakeholder("film-association");
  ImportRow known;
  known.stakeholder_display_name = "Ministry of Commerce";
  known.response = Response("", 2021);
  known.response.clear_stakeholder();
  const auto before = store_.ImportResponses({known}, {}, {}, kNoLimit);
  ASSERT_TRUE(before.ok()) << before.status();

  std::vector<ImportRow> rows;
  for (int i = 0; i < 3000; ++i) {
    ImportRow row = known;
    if (i % 3 == 1) row.stakeholder_display_name = "Film Association";
    if (i % 3 == 2) row.stakeholder_display_name = "FILM association";
    row.response.set_summary(absl::StrCat("statement ", i % 1500));
    rows.push_back(row);
  }
  rows.push_back(known);  // recorded before this import
  auto written = store_.ImportResponses(rows, {}, {}, kNoLimit);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->value.stakeholders_created(), 1);
  ASSERT_EQ(written->value.responses_size(), 3001);
  for (int i = 0; i < 3000; ++i) {
    const v1::Response& r = written->value.responses(i);
    EXPECT_EQ(r.summary(), absl::StrCat("statement ", i % 1500)) << i;
    // Row i and row i + 1500 are the same statement by the same body.
    if (i >= 1500) {
      EXPECT_EQ(r.name(), written->value.responses(i - 1500).name());
    }
  }
  EXPECT_EQ(written->value.responses(0).stakeholder(),
            "stakeholders/ministry-of-commerce");
  EXPECT_EQ(written->value.responses(1).stakeholder(),
            "stakeholders/film-association-2");
  EXPECT_EQ(written->value.responses(2).stakeholder(),
            "stakeholders/film-association-2");
  EXPECT_EQ(written->value.responses(3000).name(),
            before->value.responses(0).name());
  ResponseQuery all;
  all.limit = 1000;
  size_t total = 0;
  for (;;) {
    auto page = store_.ListResponses(all);
    ASSERT_TRUE(page.ok());
    total += page->responses.size();
    if (!page->next) break;
    all.after = page->next;
  }
  // 1500 distinct statements over three spellings of two bodies, plus the
  // one from before: the ministry's and the association's halves.
  EXPECT_EQ(total, 1501u);
}

TEST_F(PgResponsesStoreTest, AnImportWhoseAnswerWouldNotFitWritesNothing) {
  ImportRow row;
  row.stakeholder_display_name = "Ministry of Commerce";
  row.response = Response("", 2021);
  row.response.clear_stakeholder();
  const auto refused = store_.ImportResponses({row}, {}, {}, 10);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(refused.status().message(),
                               "rows: the answer would be "))
      << refused.status();
  ResponseQuery all;
  EXPECT_TRUE(store_.ListResponses(all)->responses.empty());
  int64_t version = 0;
  EXPECT_TRUE(store_.AllStakeholders(0, &version)->empty());
}

// The change feed is filled by triggers in the writing transaction: every
// write, whatever its path, with the version it made, the resource as
// written, in order; pruned to the versions kept.
TEST_F(PgResponsesStoreTest, EveryWriteIsInTheChangeLogWithItsVersion) {
  const v1::Stakeholder s = Stakeholder("mofcom");
  auto created = store_.CreateResponse(Response(s.name(), 2021), {});
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string id = created->value.name().substr(10);
  auto updated = store_.UpdateResponse(id, [](v1::Response& r) {
    r.set_summary("Rejected it again.");
    return absl::OkStatus();
  });
  ASSERT_TRUE(updated.ok()) << updated.status();
  auto removed = store_.SetDeleted(id, true, "");
  ASSERT_TRUE(removed.ok()) << removed.status();
  const v1::Stakeholder other = Stakeholder("nobody");
  auto gone = store_.DeleteStakeholder("nobody", "");
  ASSERT_TRUE(gone.ok()) << gone.status();

  auto page = store_.ListChanges(0, 0, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  // Migrated with no rows: nothing is missing, the log is whole from 0.
  EXPECT_EQ(page->changes_after, 0);
  EXPECT_EQ(page->data_version, *gone);
  EXPECT_FALSE(page->more);
  std::vector<std::string> seen;
  for (const auto& c : page->changes) {
    seen.push_back(absl::StrCat(c.data_version(), " ",
                                v1::ChangeKind_Name(c.kind()), " ", c.name()));
  }
  const std::string response = created->value.name();
  EXPECT_EQ(
      seen,
      (std::vector<std::string>{
          absl::StrCat(created->data_version - 1,
                       " CHANGE_KIND_WRITTEN stakeholders/mofcom"),
          absl::StrCat(created->data_version, " CHANGE_KIND_WRITTEN ",
                       response),
          absl::StrCat(updated->data_version, " CHANGE_KIND_WRITTEN ",
                       response),
          absl::StrCat(removed->data_version, " CHANGE_KIND_WRITTEN ",
                       response),
          absl::StrCat(*gone - 1, " CHANGE_KIND_WRITTEN stakeholders/nobody"),
          absl::StrCat(*gone, " CHANGE_KIND_DELETED stakeholders/nobody")}));
  // Each as it was written then.
  ASSERT_EQ(page->changes.size(), 6u);
  EXPECT_EQ(page->changes[1].response().summary(), "Rejected the listing.");
  EXPECT_EQ(page->changes[1].response().stakeholder_display_name(), "mofcom");
  EXPECT_EQ(page->changes[2].response().summary(), "Rejected it again.");
  EXPECT_FALSE(page->changes[2].response().has_delete_time());
  EXPECT_TRUE(page->changes[3].response().has_delete_time());
  EXPECT_EQ(page->changes[3].response().etag(), removed->value.etag());
  EXPECT_EQ(page->changes[0].stakeholder().display_name(), "mofcom");
  EXPECT_FALSE(page->changes[5].has_stakeholder());
  // Whole, as the write answered it (the triggers' JSON, migration 006).
  using google::protobuf::util::MessageDifferencer;
  EXPECT_TRUE(MessageDifferencer::Equals(page->changes[0].stakeholder(), s))
      << page->changes[0].stakeholder().DebugString();
  EXPECT_TRUE(
      MessageDifferencer::Equals(page->changes[1].response(), created->value))
      << page->changes[1].response().DebugString() << " vs "
      << created->value.DebugString();
  EXPECT_TRUE(
      MessageDifferencer::Equals(page->changes[3].response(), removed->value))
      << page->changes[3].response().DebugString();

  // Pages: after a change's sequence number.
  auto first = store_.ListChanges(0, 0, 2);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->more);
  auto rest = store_.ListChanges(0, first->last_seq, 100);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->changes.size(), 4u);

  // Keeping two versions prunes the rest at the next write.
  ASSERT_TRUE(store_.KeepChanges(2).ok());
  Stakeholder("later");
  auto kept = store_.ListChanges(0, 0, 100);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->changes_after, kept->data_version - 2);
  for (const auto& c : kept->changes) {
    EXPECT_GT(c.data_version(), kept->changes_after) << c.name();
  }
}

// Changes recorded as rows (migration 005) become the contract's JSON when
// migration 006 runs, and read back as those written after it do.
TEST(PgResponsesStoreMigration, ChangesRecordedAsRowsReadAsResources) {
  nml::testing::TestDatabase db;
  {
    pqxx::connection connection(db.url());
    const auto all = Migrations();
    const std::vector<common::Migration> before(all.begin(), all.begin() + 5);
    ASSERT_EQ(before.back().name, "005_changes");
    ASSERT_TRUE(
        common::ApplyMigrations(connection, "nml_responses", before).ok());
    pqxx::work tx(connection);
    tx.exec(
        "INSERT INTO stakeholders (id, display_name, type) "
        "VALUES ('mofcom', 'Ministry of Commerce', 1)");
    tx.exec(
        "INSERT INTO responses (id, stakeholder_id, review_year, targets, "
        "stance, summary, stated_year, stated_month, source_url) VALUES "
        "('r1', 'mofcom', 2021, '{markets/taobao}', 2, 'Rejected it.', 2022, "
        "2, 'https://example.org/a')");
    tx.commit();
    ASSERT_TRUE(common::ApplyMigrations(connection, "nml_responses", all).ok());
  }
  common::PgPool pool(PgResponsesStoreTest::Options(db.url()), "migration",
                      PgResponsesStore::PrepareStatements);
  PgResponsesStore store(pool);
  auto page = store.ListChanges(0, 0, 10);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->changes.size(), 2u);
  EXPECT_EQ(page->changes[0].stakeholder().display_name(),
            "Ministry of Commerce");
  int64_t version = 0;
  auto stored = store.GetResponse("r1", 0, &version);
  ASSERT_TRUE(stored.ok() && stored->has_value()) << stored.status();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      page->changes[1].response(), **stored))
      << page->changes[1].response().DebugString() << " vs "
      << (*stored)->DebugString();
}

}  // namespace
}  // namespace nml::responses
