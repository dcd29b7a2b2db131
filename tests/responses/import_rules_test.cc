#include "services/responses/import_rules.h"

#include <gtest/gtest.h>

namespace nml::responses {
namespace {

TEST(MapStance, MapsClearWordingAndRefusesToGuess) {
  EXPECT_EQ(MapStance("opposes")->stance, v1::STANCE_OPPOSES);
  EXPECT_EQ(MapStance("opposes; demands removal")->stance, v1::STANCE_OPPOSES);
  EXPECT_EQ(MapStance("Welcomes")->stance, v1::STANCE_WELCOMES);
  EXPECT_EQ(MapStance("disagrees; commits to cooperate")->stance,
            v1::STANCE_DISAGREES);
  EXPECT_EQ(MapStance("supports process; nominates markets")->stance,
            v1::STANCE_SUPPORTS);
  EXPECT_EQ(MapStance("STANCE_NEUTRAL")->stance, v1::STANCE_NEUTRAL);
  const auto commitment = MapStance("commits to enforcement");
  ASSERT_TRUE(commitment.has_value());
  EXPECT_EQ(commitment->stance, v1::STANCE_COMMITS_TO_COOPERATE);
  EXPECT_EQ(commitment->commitments, std::vector<std::string>{"enforcement"});
  EXPECT_FALSE(MapStance("dismisses").has_value());
  EXPECT_FALSE(MapStance("partly disputes").has_value());
  EXPECT_FALSE(MapStance("").has_value());
}

TEST(SplitStakeholderName, KeepsTheOrganisationAndRecordsTheRest) {
  const auto mofcom = SplitStakeholderName(
      "Ministry of Commerce of the People's Republic of China (MOFCOM)");
  EXPECT_EQ(mofcom.display_name,
            "Ministry of Commerce of the People's Republic of China");
  EXPECT_EQ(mofcom.aliases[0], "MOFCOM");
  const auto mpa =
      SplitStakeholderName("Motion Picture Association (Charles Rivkin)");
  EXPECT_EQ(mpa.display_name, "Motion Picture Association");
  EXPECT_EQ(mpa.aliases, std::vector<std::string>{
                             "Motion Picture Association (Charles Rivkin)"});
  EXPECT_TRUE(SplitStakeholderName("Tencent").aliases.empty());
}

TEST(SplitTargets, SeparatesMarketsFromTheListAsAWhole) {
  const auto parts = SplitTargets(
      "Chinese markets incl. AliExpress, WeChat e-commerce ecosystem");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_TRUE(parts[0].general);
  EXPECT_EQ(parts[1].text, "AliExpress");
  EXPECT_FALSE(parts[1].general);
  EXPECT_EQ(parts[2].text, "WeChat e-commerce ecosystem");

  const auto amazon =
      SplitTargets("Amazon foreign domains (.ca, .de, .fr, .in, .co.uk)");
  ASSERT_EQ(amazon.size(), 1u);
  EXPECT_EQ(amazon[0].text, "Amazon foreign domains");

  EXPECT_TRUE(SplitTargets("list overall (music piracy services)")[0].general);
  EXPECT_TRUE(SplitTargets("Thailand (no market listed)")[0].general);
  EXPECT_EQ(SplitTargets("Palika Bazaar (New Delhi)")[0].text, "Palika Bazaar");
  EXPECT_EQ(SplitTargets("IndiaMART; Palika Bazaar; Heera Panna").size(), 3u);
}

TEST(SplitTargets, KeepsTheNamesInParenthesesToTryNext) {
  const auto ripping = SplitTargets("stream-ripping sites (e.g., Ssyoutube)");
  ASSERT_EQ(ripping.size(), 1u);
  EXPECT_EQ(ripping[0].text, "stream-ripping sites");
  EXPECT_EQ(ripping[0].inside, std::vector<std::string>{"Ssyoutube"});
  EXPECT_EQ(SplitTargets("stream-ripping sites (youtube-mp3.org, such as "
                         "Flvto)")[0]
                .inside,
            (std::vector<std::string>{"youtube-mp3.org", "Flvto"}));
  EXPECT_EQ(SplitTargets("Palika Bazaar (New Delhi)")[0].inside,
            std::vector<std::string>{"New Delhi"});
}

TEST(MapStakeholderType, UsesTheDataSetsWords) {
  EXPECT_EQ(MapStakeholderType("government"), v1::STAKEHOLDER_TYPE_GOVERNMENT);
  EXPECT_EQ(MapStakeholderType("company"),
            v1::STAKEHOLDER_TYPE_MARKET_OPERATOR);
  EXPECT_EQ(MapStakeholderType("market association"),
            v1::STAKEHOLDER_TYPE_MARKET_OPERATOR);
  EXPECT_EQ(MapStakeholderType("industry association"),
            v1::STAKEHOLDER_TYPE_INDUSTRY_ASSOCIATION);
  EXPECT_EQ(MapStakeholderType("astrologer"), v1::STAKEHOLDER_TYPE_OTHER);
}

}  // namespace
}  // namespace nml::responses
