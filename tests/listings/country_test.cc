#include "services/listings/country.h"

#include <gtest/gtest.h>

namespace nml::listings {
namespace {

TEST(CountryCode, TakesCodesNamesAndTheUsualTerritoryForms) {
  EXPECT_EQ(CountryCode("CN"), "CN");
  EXPECT_EQ(CountryCode("chn"), "CN");
  EXPECT_EQ(CountryCode(" China "), "CN");
  EXPECT_EQ(CountryCode("Vietnam"), "VN");
  // As the USTR lists and other sources write territories.
  EXPECT_EQ(CountryCode("China (Hong Kong)"), "HK");
  EXPECT_EQ(CountryCode("Hong Kong SAR"), "HK");
  EXPECT_EQ(CountryCode("Macau"), "MO");
  EXPECT_EQ(CountryCode("Macao"), "MO");
  EXPECT_EQ(CountryCode("China (Macao)"), "MO");
  EXPECT_EQ(CountryCode("Taiwan"), "TW");
  EXPECT_EQ(CountryCode("Atlantis"), std::nullopt);
}

}  // namespace
}  // namespace nml::listings
