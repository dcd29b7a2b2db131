// ListMergeSuggestions: which pairs of markets are suggested, with what
// evidence, and which are not.
#include <gtest/gtest.h>

#include "services/listings/reads.h"
#include "services/listings/snapshot.h"

namespace nml::listings {
namespace {

class Suggestions : public ::testing::Test {
 protected:
  void Market(const std::string& id, const std::string& name,
              std::vector<int> years, const std::string& city = "",
              v1::MarketKind kind = v1::MARKET_KIND_PHYSICAL) {
    v1::Market& m = data_.markets.emplace_back();
    m.set_name(MarketName(id));
    m.set_display_name(name);
    m.set_kind(kind);
    m.set_city(city);
    for (const int year : years) {
      v1::Listing& l = data_.listings.emplace_back();
      l.set_name(ListingName(year, id));
      l.set_market(m.name());
    }
  }

  v1::ListMergeSuggestionsResponse List(const std::string& market = "") {
    v1::ListMergeSuggestionsRequest request;
    request.set_market(market);
    v1::ListMergeSuggestionsResponse response;
    const auto status = ListMergeSuggestions(
        *Snapshot::Build(data_, absl::Now()), request, response);
    EXPECT_TRUE(status.ok()) << status;
    return response;
  }

  SnapshotData data_;
};

TEST_F(Suggestions, APlaceWordExtensionInOneCityWithYearsApart) {
  Market("saigon-square", "Saigon Square", {2022, 2023}, "Ho Chi Minh City");
  Market("saigon-square-trade-center", "Saigon Square Trade Center", {2024},
         "Ho Chi Minh City");
  const auto response = List();
  ASSERT_EQ(response.suggestions_size(), 1);
  const v1::MergeSuggestion& s = response.suggestions(0);
  EXPECT_EQ(s.id(), "saigon-square-trade-center~saigon-square");
  EXPECT_EQ(s.market().name(), "markets/saigon-square-trade-center")
      << "the one listed last survives";
  EXPECT_EQ(s.accept().market(), "markets/saigon-square-trade-center");
  ASSERT_EQ(s.accept().merged_markets_size(), 1);
  EXPECT_EQ(s.accept().merged_markets(0), "markets/saigon-square");
  EXPECT_FALSE(s.accept().request_id().empty());
  ASSERT_EQ(s.evidence_size(), 3);
  EXPECT_EQ(s.evidence(0),
            "'Saigon Square Trade Center' extends 'Saigon Square' with the "
            "place words 'trade center'");
  EXPECT_EQ(s.evidence(1), "same city: Ho Chi Minh City");
  EXPECT_EQ(s.evidence(2),
            "Saigon Square Trade Center listed 2024; Saigon Square listed "
            "2022-2023: never in the same review");
}

TEST_F(Suggestions, NamesWithinTwoEdits) {
  Market("popcorntime", "Popcorntime", {2020}, "", v1::MARKET_KIND_ONLINE);
  Market("popcorn-tmie", "Popcorn Tmie", {2021}, "", v1::MARKET_KIND_ONLINE);
  Market("phimmoi", "Phimmoi", {2020}, "", v1::MARKET_KIND_ONLINE);
  Market("fimmoi", "Fimmoi", {2021}, "", v1::MARKET_KIND_ONLINE);
  const auto response = List();
  ASSERT_EQ(response.suggestions_size(), 2);
  EXPECT_EQ(response.suggestions(0).evidence(0),
            "'Fimmoi' and 'Phimmoi' differ by 2 edits");
  EXPECT_EQ(response.suggestions(1).evidence(0),
            "'Popcorn Tmie' and 'Popcorntime' differ by 1 edit");
}

TEST_F(Suggestions, NotWhenTheyShareAReviewACityOrAKindDiffers) {
  // Listed together in 2021: two markets.
  Market("silk-market", "Silk Market", {2020, 2021}, "Beijing");
  Market("silk-market-mall", "Silk Market Mall", {2021}, "Beijing");
  // Apart in place.
  Market("ladies-market", "Ladies Market", {2019}, "Hong Kong");
  Market("ladies-market-plaza", "Ladies Market Plaza", {2022}, "Manila");
  // Another kind.
  Market("tanbazaar", "Tanbazaar", {2019}, "", v1::MARKET_KIND_ONLINE);
  Market("tanbazaar-mall", "Tanbazaar Mall", {2022});
  // Short names are not compared by edits.
  Market("vk", "VK", {2019}, "", v1::MARKET_KIND_ONLINE);
  Market("ok", "OK", {2020}, "", v1::MARKET_KIND_ONLINE);
  EXPECT_EQ(List().suggestions_size(), 0) << List().DebugString();
}

TEST_F(Suggestions, NarrowedToOneMarketAndCheckedNames) {
  Market("saigon-square", "Saigon Square", {2023});
  Market("saigon-square-mall", "Saigon Square Mall", {2024});
  Market("greenhills", "Greenhills", {2019});
  Market("greenhills-shopping-center", "Greenhills Shopping Center", {2021});
  EXPECT_EQ(List().suggestions_size(), 2);
  EXPECT_EQ(List("markets/greenhills").suggestions_size(), 1);

  v1::ListMergeSuggestionsResponse response;
  v1::ListMergeSuggestionsRequest request;
  request.set_market("markets/nowhere");
  const auto snapshot = Snapshot::Build(data_, absl::Now());
  EXPECT_EQ(ListMergeSuggestions(*snapshot, request, response).code(),
            absl::StatusCode::kNotFound);
  request.set_market("nowhere");
  EXPECT_EQ(ListMergeSuggestions(*snapshot, request, response).message(),
            "market: must be markets/{market}");
}

}  // namespace
}  // namespace nml::listings
