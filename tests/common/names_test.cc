#include "common/api/names.h"

#include <gtest/gtest.h>

#include "common/api/parentheticals.h"
#include "common/text/slug.h"

namespace nml::common {
namespace {

TEST(ResourceNames, ParseWhatTheyBuildAndNothingElse) {
  EXPECT_EQ(ParseMarketName(MarketName("aliexpress")), "aliexpress");
  EXPECT_EQ(ParseReviewName(ReviewName(2021)), 2021);
  const auto key = ParseListingName(ListingName(2021, "taobao"));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->year, 2021);
  EXPECT_EQ(key->market_id, "taobao");

  for (const char* bad : {"markets/", "markets/Taobao", "markets/-x",
                          "market/taobao", "markets/a/b"}) {
    EXPECT_FALSE(ParseMarketName(bad).has_value()) << bad;
  }
  for (const char* bad :
       {"reviews/21", "reviews/20211", "reviews/2021x", "reviews/+202"}) {
    EXPECT_FALSE(ParseReviewName(bad).has_value()) << bad;
  }
  for (const char* bad :
       {"reviews/2021/listings/", "reviews/2021/markets/taobao",
        "reviews/2021/listings/taobao/x"}) {
    EXPECT_FALSE(ParseListingName(bad).has_value()) << bad;
  }
}

TEST(ResourceNames, AFieldsNameIsRefusedNamingTheFieldAndTheForm) {
  const auto id = ParseIdName("stakeholders/MOFCOM", kStakeholdersPrefix,
                              "response.stakeholder");
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(id.status().message(),
            "response.stakeholder: must be stakeholders/{id}");
}

TEST(UniqueId, SuffixesAndStaysAValidId) {
  EXPECT_EQ(UniqueId("taobao", std::set<std::string>{}), "taobao");
  EXPECT_EQ(UniqueId("taobao", std::set<std::string>{"taobao", "taobao-2"}),
            "taobao-3");
  const std::string longest(63, 'a');
  const std::string id = UniqueId(longest, std::set<std::string>{longest});
  EXPECT_EQ(id.size(), 63u);
  EXPECT_TRUE(IsValidId(id)) << id;
  EXPECT_EQ(id.substr(61), "-2");
}

TEST(SplitParentheticals, SeparatesQualifiersAndToleratesBadNesting) {
  auto parts = SplitParentheticals("Kidderpore (Fancy Market)");
  EXPECT_EQ(parts.outside, "Kidderpore ");
  EXPECT_EQ(parts.inside, std::vector<std::string>{"Fancy Market"});

  parts = SplitParentheticals("A (b (c)) d (e)");
  EXPECT_EQ(parts.outside, "A  d ");
  EXPECT_EQ(parts.inside, (std::vector<std::string>{"b (c)", "e"}));

  parts = SplitParentheticals("stray) and (unclosed");
  EXPECT_EQ(parts.outside, "stray and ");
  EXPECT_TRUE(parts.inside.empty());
}

}  // namespace
}  // namespace nml::common
