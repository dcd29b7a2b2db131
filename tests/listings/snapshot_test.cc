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

}  // namespace
}  // namespace nml::listings
