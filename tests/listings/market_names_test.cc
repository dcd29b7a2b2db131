// Names folded and transliterated by Unicode's rules, as sources spell them.
#include "services/listings/market_names.h"

#include <gtest/gtest.h>

#include "common/api/names.h"
#include "common/text/slug.h"
#include "common/text/text_fold.h"

namespace nml::common {
namespace {

TEST(TextFold, AccentsAndCaseFoldAwayAndOtherScriptsStay) {
  EXPECT_EQ(FoldForMatching("Galeria Pagé"), "galeria page");
  EXPECT_EQ(FoldForMatching("GALERIA PAGE"), "galeria page");
  EXPECT_EQ(FoldForMatching("Straße Ørsted Łódź"), "strasse orsted lodz");
  EXPECT_EQ(FoldForMatching("Горбушкин ДВОР"), "горбушкин двор");
  // Invalid UTF-8 is replaced, never a crash.
  EXPECT_EQ(FoldForMatching(std::string_view("a\xff", 2)), "a\xEF\xBF\xBD");
}

TEST(TextFold, IdsAreTransliteratedNotTruncated) {
  EXPECT_EQ(Slugify("Galeria Pagé"), "galeria-page");
  EXPECT_EQ(Slugify("Горбушкин Двор"), "gorbuskin-dvor");
  EXPECT_EQ(Slugify("Amazon's foreign domains"), "amazons-foreign-domains");
}

TEST(TextFold, NamesMatchAcrossSpellingsAndOperatorsAcrossLegalForms) {
  using listings::EditDistance;
  using listings::NormalizeName;
  using listings::OperatorCoreName;
  EXPECT_EQ(NormalizeName("Galeria Pagé"), NormalizeName("Galeria Page"));
  EXPECT_EQ(NormalizeName("ThePirateBay"), "piratebay");
  // A letter of another script is one edit, not two bytes.
  EXPECT_EQ(EditDistance("горбушкин", "горбушкен"), 1);
  EXPECT_EQ(OperatorCoreName("Alibaba Group Holding Ltd"), "alibaba");
  EXPECT_EQ(OperatorCoreName("Alibaba Group"), "alibaba");
  EXPECT_EQ(OperatorCoreName("Baidu, Inc."), "baidu");
  EXPECT_EQ(OperatorCoreName("DHgate.com Inc"), "dhgatecom");
  // A legal form alone is the name, not nothing.
  EXPECT_EQ(OperatorCoreName("Group"), "group");
}

}  // namespace
}  // namespace nml::common
