// Snapshot::Build: the output-only fields every read serves.
#include "services/listings/snapshot.h"

#include <gtest/gtest.h>

namespace nml::listings {
namespace {

class SnapshotTest : public ::testing::Test {
 protected:
  void Market(const std::string& id, v1::MarketKind kind,
              const std::string& domain = "") {
    v1::Market& m = data_.markets.emplace_back();
    m.set_name(MarketName(id));
    m.set_display_name(id);
    m.set_kind(kind);
    if (!domain.empty()) {
      v1::DomainRule* rule = m.add_domains();
      rule->set_pattern(domain);
      rule->set_scope(v1::MATCH_SCOPE_HOST_AND_SUBDOMAINS);
    }
  }
  void Review(int year, int online, int physical) {
    v1::Review& r = data_.reviews.emplace_back();
    r.set_name(ReviewName(year));
    r.set_year(year);
    r.set_declared_online_count(online);
    r.set_declared_physical_count(physical);
  }
  void List(int year, const std::string& market) {
    v1::Listing& l = data_.listings.emplace_back();
    l.set_name(ListingName(year, market));
    l.set_market(MarketName(market));
  }
  std::shared_ptr<const Snapshot> Build() {
    return Snapshot::Build(data_, absl::Now());
  }

  SnapshotData data_;
};

TEST_F(SnapshotTest, ListingHistoryCountsOnlyYearsWithData) {
  Market("taobao", v1::MARKET_KIND_ONLINE);
  Market("rarbg", v1::MARKET_KIND_ONLINE);
  for (int year : {2019, 2020, 2021, 2022}) Review(year, 1, 1);
  Review(2023, 40, 30);  // declared, nothing recorded yet
  for (int year : {2019, 2020, 2021, 2022}) List(year, "taobao");
  List(2019, "rarbg");
  List(2021, "rarbg");
  const auto s = Build();

  EXPECT_EQ(s->years_with_listings(),
            (std::vector<int>{2019, 2020, 2021, 2022}));
  EXPECT_EQ(s->latest_year(), 2022) << "an empty review is not the latest";
  const v1::Listing* taobao = s->FindListing(2022, "taobao");
  ASSERT_NE(taobao, nullptr);
  EXPECT_FALSE(taobao->first_time());
  EXPECT_EQ(taobao->consecutive_years(), 4);
  EXPECT_FALSE(taobao->relisted_after_gap());
  EXPECT_FALSE(s->FindListing(2019, "taobao")->has_first_time())
      << "the earliest loaded review cannot tell a first listing";

  const v1::Listing* rarbg = s->FindListing(2021, "rarbg");
  EXPECT_TRUE(rarbg->relisted_after_gap());
  EXPECT_EQ(rarbg->consecutive_years(), 1);
  EXPECT_EQ(rarbg->market_display_name(), "rarbg");
  EXPECT_EQ(s->ListedYears("rarbg"), (std::vector<int>{2019, 2021}));
}

TEST_F(SnapshotTest, ReviewCountsSayWhatIsMissing) {
  Market("aliexpress", v1::MARKET_KIND_ONLINE, "aliexpress.com");
  Market("kidderpore", v1::MARKET_KIND_PHYSICAL);
  Review(2021, 2, 1);
  Review(2020, 0, 0);
  List(2021, "aliexpress");
  List(2021, "kidderpore");
  List(2020, "aliexpress");
  const auto s = Build();

  const v1::Review* r2021 = s->FindReview(2021);
  ASSERT_NE(r2021, nullptr);
  EXPECT_EQ(r2021->online_count(), 1);
  EXPECT_EQ(r2021->physical_count(), 1);
  EXPECT_EQ(r2021->missing_online_count(), 1);
  EXPECT_EQ(r2021->missing_physical_count(), 0);
  EXPECT_FALSE(r2021->complete());
  EXPECT_FALSE(s->FindReview(2020)->complete())
      << "unknown declared totals are never complete";
  EXPECT_EQ(s->reviews().front().year(), 2020) << "reviews in year order";

  const auto* rule = s->FindDomain("aliexpress.com");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->market->name(), "markets/aliexpress");
  EXPECT_EQ(s->FindDomain("taobao.com"), nullptr);
}

TEST_F(SnapshotTest, AMissingRowIsUnknownUnlessTheListIsCompleteOrLater) {
  Market("aliexpress", v1::MARKET_KIND_ONLINE, "aliexpress.com");
  Market("taobao", v1::MARKET_KIND_ONLINE, "taobao.com");
  Market("silk", v1::MARKET_KIND_PHYSICAL);
  Review(2020, 2, 5);  // online 1 of 2, physical 1 of 5
  Review(2021, 2, 0);  // online 2 of 2, physical count not recorded
  Review(2022, 3, 1);  // online 1 of 3, physical 1 of 1
  List(2020, "taobao");
  List(2020, "silk");
  List(2021, "taobao");
  List(2021, "aliexpress");
  data_.listings.back().set_reported_first_year(2021);
  List(2021, "silk");
  List(2022, "taobao");
  List(2022, "silk");
  const auto s = Build();

  const v1::Review* r2021 = s->FindReview(2021);
  EXPECT_EQ(r2021->online_completeness().state(), v1::COMPLETENESS_COMPLETE);
  EXPECT_EQ(r2021->online_completeness().reason(),
            "2 of 2 online markets loaded");
  EXPECT_EQ(r2021->physical_completeness().state(), v1::COMPLETENESS_UNKNOWN);
  EXPECT_EQ(s->FindReview(2020)->online_completeness().state(),
            v1::COMPLETENESS_INCOMPLETE);
  EXPECT_FALSE(r2021->complete());

  const auto status = [&](int year, const char* id, v1::MarketKind kind) {
    return s->StatusIn(year, id, kind);
  };
  // A source's first year settles earlier reviews.
  EXPECT_EQ(status(2020, "aliexpress", v1::MARKET_KIND_ONLINE).rule,
            v1::STATUS_RULE_FIRST_LISTED_LATER);
  // A row nml lacks in an incomplete list proves nothing.
  const StatusAnswer y2022 = status(2022, "aliexpress", v1::MARKET_KIND_ONLINE);
  EXPECT_EQ(y2022.status, v1::LISTING_STATUS_UNKNOWN);
  EXPECT_EQ(y2022.reason,
            "not among the 1 of 3 online markets loaded for the 2022 review");
  EXPECT_EQ(status(2021, "taobao", v1::MARKET_KIND_ONLINE).status,
            v1::LISTING_STATUS_LISTED);
  EXPECT_EQ(status(2016, "taobao", v1::MARKET_KIND_ONLINE).status,
            v1::LISTING_STATUS_UNKNOWN);

  // Years in a row end at the first review without a listing; exact only
  // where that review settles it.
  const v1::Listing* taobao = s->FindListing(2022, "taobao");
  EXPECT_EQ(taobao->consecutive_years(), 3);
  EXPECT_FALSE(taobao->consecutive_years_exact())
      << "no review before 2020 is loaded";

  // An operator declares 2022's online list complete: now it settles.
  data_.reviews[2].set_online_complete_source_url("https://example.org/all");
  const auto declared = Build();
  const StatusAnswer settled =
      declared->StatusIn(2022, "aliexpress", v1::MARKET_KIND_ONLINE);
  EXPECT_EQ(settled.status, v1::LISTING_STATUS_NOT_LISTED);
  EXPECT_EQ(settled.rule, v1::STATUS_RULE_COMPLETE_LIST);
  EXPECT_EQ(settled.reason,
            "the 2022 review's online list is complete (declared complete by "
            "an operator (https://example.org/all); 1 online markets loaded) "
            "without it");
}

}  // namespace
}  // namespace nml::listings
