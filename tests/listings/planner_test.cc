// Import planning without a database: reconciliation, completeness, and
// refusals that name the row and field.
#include "services/listings/planner.h"

#include <absl/strings/match.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "services/listings/snapshot.h"

namespace nml::listings {
namespace {

v1::ImportedListing Row(const std::string& name, v1::MarketKind kind,
                        std::vector<std::string> domains = {}) {
  v1::ImportedListing row;
  row.set_market_display_name(name);
  row.set_kind(kind);
  row.set_source_url("https://example.org/source");
  for (const auto& d : domains) {
    auto* rule = row.add_domains();
    rule->set_pattern(d);
    rule->set_scope(v1::MATCH_SCOPE_HOST_AND_SUBDOMAINS);
  }
  return row;
}

v1::ImportReviewRequest Review(int year, std::vector<v1::ImportedListing> rows,
                               int online = 0, int physical = 0) {
  v1::ImportReviewRequest request;
  request.set_request_id("test");
  request.mutable_review()->set_year(year);
  request.mutable_review()->set_declared_online_count(online);
  request.mutable_review()->set_declared_physical_count(physical);
  for (auto& row : rows) *request.add_listings() = row;
  return request;
}

// Imports into `data` and returns the answer.
v1::ImportReviewResponse Import(SnapshotData& data,
                                const v1::ImportReviewRequest& request) {
  auto plan = PlanImportReview(data, request, absl::Now());
  EXPECT_TRUE(plan.ok()) << plan.status();
  if (!plan.ok()) return {};
  EXPECT_EQ(plan->response.problems_size(), 0)
      << plan->response.problems(0).DebugString();
  ApplyChanges(plan->changes, data);
  return plan->response;
}

// "field: description" of each problem a planned import reports.
std::vector<std::string> Problems(
    const absl::StatusOr<Plan<v1::ImportReviewResponse>>& plan) {
  EXPECT_TRUE(plan.ok()) << plan.status();
  std::vector<std::string> problems;
  if (!plan.ok()) return problems;
  EXPECT_TRUE(plan->changes.empty()) << "a refused import plans nothing";
  for (const auto& p : plan->response.problems()) {
    problems.push_back(absl::StrCat(p.field(), ": ", p.description()));
  }
  return problems;
}

constexpr auto kOnline = v1::MARKET_KIND_ONLINE;
constexpr auto kPhysical = v1::MARKET_KIND_PHYSICAL;

TEST(PlanImportReview, ReconcilesSpellingsAcrossYearsAndReportsEachRule) {
  SnapshotData data;
  Import(data,
         Review(2020,
                {Row("Kidderpore", kPhysical), Row("Silk Market", kPhysical),
                 Row("RARBG", kOnline, {"rarbg.to"}),
                 Row("Popcorntime", kOnline), Row("ThePirateBay", kOnline)}));
  const auto answer =
      Import(data, Review(2021, {Row("Kidderpore (Fancy Market)", kPhysical),
                                 Row("Silk Market (Xiushui)", kPhysical),
                                 Row("rarbg.to", kOnline, {"rarbg.to"}),
                                 Row("Popcorn Time", kOnline),
                                 Row("The Pirate Bay", kOnline)}));
  ASSERT_EQ(answer.reconciliations_size(), 5);
  const auto& r = answer.reconciliations();
  EXPECT_EQ(r[0].market(), "markets/kidderpore");
  EXPECT_EQ(r[0].rule(), v1::RECONCILIATION_RULE_PARENTHETICAL_QUALIFIER);
  EXPECT_EQ(r[1].market(), "markets/silk-market");
  EXPECT_EQ(r[1].rule(), v1::RECONCILIATION_RULE_PARENTHETICAL_QUALIFIER);
  EXPECT_EQ(r[2].market(), "markets/rarbg");
  EXPECT_EQ(r[2].rule(), v1::RECONCILIATION_RULE_SHARED_DOMAIN);
  EXPECT_EQ(r[2].detail(), "rarbg.to");
  EXPECT_EQ(r[3].rule(), v1::RECONCILIATION_RULE_NORMALISED_NAME);
  EXPECT_EQ(r[4].rule(), v1::RECONCILIATION_RULE_NORMALISED_NAME);
  EXPECT_EQ(answer.markets_created(), 0);

  // One market, two years, the newest spelling shown, the old one an alias.
  const auto snapshot = Snapshot::Build(data, absl::Now());
  EXPECT_EQ(snapshot->ListedYears("kidderpore"),
            (std::vector<int>{2020, 2021}));
  const v1::Market* kidderpore = snapshot->FindMarket("kidderpore");
  ASSERT_NE(kidderpore, nullptr);
  EXPECT_EQ(kidderpore->display_name(), "Kidderpore (Fancy Market)");
  ASSERT_EQ(kidderpore->aliases_size(), 1);
  EXPECT_EQ(kidderpore->aliases(0), "Kidderpore");
  EXPECT_FALSE(snapshot->FindListing(2021, "kidderpore")->first_time());
  EXPECT_EQ(snapshot->FindListing(2021, "kidderpore")->consecutive_years(), 2);
}

TEST(PlanImportReview, RefusesAnAmbiguousName) {
  SnapshotData data;
  Import(data, Review(2020, {Row("Silk Market (Xiushui)", kPhysical),
                             Row("Silk Market (Shanghai)", kPhysical)}));
  const auto problems = Problems(PlanImportReview(
      data, Review(2021, {Row("Silk Market", kPhysical)}), absl::Now()));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(problems[0],
                               "listings[0].market_display_name: 'Silk "
                               "Market' is ambiguous"))
      << problems[0];
  // Naming the market explicitly settles it.
  auto explicit_row = Row("Silk Market", kPhysical);
  explicit_row.set_market("markets/silk-market-xiushui");
  const auto answer = Import(data, Review(2021, {explicit_row}));
  EXPECT_EQ(answer.reconciliations(0).rule(), v1::RECONCILIATION_RULE_EXPLICIT);
}

TEST(PlanImportReview, NamesTheRowAndFieldOfABadRow) {
  SnapshotData data;
  auto bad = Row("Narnia Bazaar", kPhysical);
  bad.set_country("Narnia");
  auto no_url = Row("Taobao", kOnline);
  no_url.clear_source_url();
  auto bad_domain = Row("DHgate", kOnline, {"https://DHgate.com/"});
  // Every bad row is reported, in row order; the good one is not.
  const auto problems = Problems(PlanImportReview(
      data,
      Review(2021, {Row("AliExpress", kOnline, {"aliexpress.com"}), bad, no_url,
                    bad_domain}),
      absl::Now()));
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0],
            "listings[1].country: 'Narnia' is not a known country");
  EXPECT_EQ(problems[1], "listings[2].source_url: is required");
  EXPECT_TRUE(absl::StartsWith(problems[2], "listings[3].domains[0].pattern:"))
      << problems[2];
  // As an error: the first problem and the count.
  auto plan = PlanImportReview(data, Review(2021, {bad, no_url}), absl::Now());
  const absl::Status error = ImportProblemsError(plan->response);
  EXPECT_EQ(error.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(error.message(),
            "listings[0].country: 'Narnia' is not a known country (and 1 "
            "more problems; validate_only lists them all)");
}

TEST(PlanImportReview, ReportsTheReviewsOwnProblemsWithEveryRowsProblem) {
  SnapshotData data;
  auto request = Review(2014, {Row("AliExpress", kOnline)});
  request.mutable_review()->set_source_url("ftp://example.org/2014");
  request.mutable_review()->mutable_published_on()->set_year(2015);
  request.mutable_review()->mutable_published_on()->set_month(2);
  request.mutable_review()->mutable_published_on()->set_day(30);
  auto bad = Row("Narnia Bazaar", kPhysical);
  bad.set_country("Narnia");
  *request.add_listings() = bad;
  request.set_validate_only(true);
  // An answer (not an error) listing the review's problem (row -1) and the
  // row's: a bad review field does not hide the rest.
  auto plan = PlanImportReview(data, request, absl::Now());
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->response.problems_size(), 2);
  EXPECT_EQ(plan->response.problems(0).row(), -1);
  EXPECT_EQ(plan->response.problems(0).field(), "review.published_on");
  EXPECT_EQ(plan->response.problems(1).row(), 1);
  EXPECT_EQ(plan->response.problems(1).field(), "listings[1].country");
  EXPECT_TRUE(plan->changes.empty());
}

TEST(PlanImportReview, AccentsAndCaseDoNotSplitAMarket) {
  SnapshotData data;
  Import(data, Review(2022, {Row("Galeria Pagé", kPhysical)}));
  ASSERT_EQ(data.markets.size(), 1u);
  // Transliterated, not truncated.
  EXPECT_EQ(data.markets[0].name(), "markets/galeria-page");
  const auto answer =
      Import(data, Review(2023, {Row("GALERIA PAGE", kPhysical)}));
  EXPECT_EQ(data.markets.size(), 1u);
  EXPECT_EQ(answer.reconciliations(0).market(), "markets/galeria-page");
  EXPECT_EQ(answer.reconciliations(0).rule(),
            v1::RECONCILIATION_RULE_NORMALISED_NAME);
  // Other scripts get an ASCII id too.
  Import(data, Review(2024, {Row("Горбушкин Двор", kPhysical)}));
  EXPECT_EQ(data.markets.size(), 2u);
  EXPECT_TRUE(std::any_of(data.markets.begin(), data.markets.end(),
                          [](const v1::Market& m) {
                            return m.name() == "markets/gorbuskin-dvor";
                          }));
}

TEST(PlanImportReview, OperatorsReconcileWithoutTheirLegalForm) {
  SnapshotData data;
  auto taobao = Row("Taobao", kOnline);
  taobao.set_operator_display_name("Alibaba Group");
  auto aliexpress = Row("AliExpress", kOnline);
  aliexpress.set_operator_display_name("Alibaba Group Holding Ltd");
  auto baidu = Row("Baidu Wangpan", kOnline);
  baidu.set_operator_display_name("Baidu, Inc.");
  auto baidu_tieba = Row("Baidu Tieba", kOnline);
  baidu_tieba.set_operator_display_name("Baidu");
  Import(data, Review(2021, {taobao, aliexpress, baidu, baidu_tieba}));
  ASSERT_EQ(data.operators.size(), 2u);
  std::set<std::string> operators;
  for (const auto& m : data.markets) operators.insert(m.operator_());
  EXPECT_EQ(operators.size(), 2u);
}

TEST(PlanImportReview, KeepsAnIncompleteReviewDraftAndSaysWhatIsMissing) {
  SnapshotData data;
  auto request = Review(
      2021, {Row("AliExpress", kOnline), Row("Anfu Market", kPhysical)}, 1, 35);
  request.mutable_review()->set_state(v1::REVIEW_STATE_PUBLISHED);
  const auto answer = Import(data, request);
  EXPECT_EQ(answer.review().state(), v1::REVIEW_STATE_DRAFT);
  EXPECT_EQ(answer.review().missing_physical_count(), 34);
  EXPECT_EQ(answer.publication_blocker(),
            "34 physical listings missing (1 of 35)");

  // Complete: published.
  auto complete = Review(
      2021, {Row("AliExpress", kOnline), Row("Anfu Market", kPhysical)}, 1, 1);
  complete.mutable_review()->set_state(v1::REVIEW_STATE_PUBLISHED);
  EXPECT_EQ(Import(data, complete).review().state(),
            v1::REVIEW_STATE_PUBLISHED);
}

TEST(PlanImportReview, ReimportReplacesTheReviewsListings) {
  SnapshotData data;
  Import(data,
         Review(2021, {Row("A Market", kOnline), Row("B Market", kOnline)}));
  const auto answer = Import(data, Review(2021, {Row("A Market", kOnline)}));
  EXPECT_EQ(answer.listings_removed(), 1);
  EXPECT_EQ(answer.listings_written(), 0);  // A is unchanged
  EXPECT_EQ(data.listings.size(), 1u);
}

TEST(PlanImportReview, RefusesTwoRowsForOneMarket) {
  SnapshotData data;
  auto plan = PlanImportReview(
      data,
      Review(2021,
             {Row("RARBG", kOnline, {"rarbg.to"}), Row("rarbg", kOnline)}),
      absl::Now());
  // Both new: distinct slugs would collide on the domain only if shared.
  ASSERT_TRUE(plan.ok()) << plan.status();
  SnapshotData with_rarbg;
  Import(with_rarbg, Review(2020, {Row("RARBG", kOnline, {"rarbg.to"})}));
  auto twice = PlanImportReview(
      with_rarbg,
      Review(2021,
             {Row("RARBG", kOnline), Row("rarbg.to", kOnline, {"rarbg.to"})}),
      absl::Now());
  const auto problems = Problems(twice);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(problems[0], "listings[1].market_display_name:"))
      << problems[0];
}

TEST(PlanUpdateMarket, RefusesAStaleEtag) {
  SnapshotData data;
  Import(data, Review(2021, {Row("AliExpress", kOnline)}));
  v1::UpdateMarketRequest request;
  request.mutable_market()->set_name("markets/aliexpress");
  request.mutable_market()->set_display_name("AliExpress.com");
  request.mutable_market()->set_etag("999");
  request.mutable_update_mask()->add_paths("display_name");
  auto plan = PlanUpdateMarket(data, request, absl::Now());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kAborted);
  request.mutable_market()->set_etag(data.markets[0].etag());
  plan = PlanUpdateMarket(data, request, absl::Now());
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->response.market().display_name(), "AliExpress.com");
  EXPECT_NE(plan->response.market().etag(), data.markets[0].etag());
  request.mutable_update_mask()->set_paths(0, "create_time");
  EXPECT_EQ(PlanUpdateMarket(data, request, absl::Now()).status().message(),
            "update_mask: 'create_time' cannot be updated");
}

TEST(PlanMergeMarkets, FoldsListingsAliasesAndDomains) {
  SnapshotData data;
  Import(data, Review(2019, {Row("Silk Market", kPhysical)}));
  Import(data, Review(2020, {Row("Xiushui Market", kPhysical)}));
  v1::MergeMarketsRequest request;
  request.set_market("markets/silk-market");
  request.add_merged_markets("markets/xiushui-market");
  auto plan = PlanMergeMarkets(data, request, absl::Now());
  ASSERT_TRUE(plan.ok()) << plan.status();
  ApplyChanges(plan->changes, data);
  const auto snapshot = Snapshot::Build(data, absl::Now());
  EXPECT_EQ(snapshot->ListedYears("silk-market"),
            (std::vector<int>{2019, 2020}));
  EXPECT_EQ(snapshot->FindMarket("xiushui-market"), nullptr);
  EXPECT_EQ(snapshot->FindMarket("silk-market")->aliases(0), "Xiushui Market");
}

}  // namespace
}  // namespace nml::listings
