#include "common/api/validation.h"

#include <absl/strings/match.h>
#include <gtest/gtest.h>

namespace nml::common {
namespace {

nml::type::v1::Date Day(int year, int month, int day) {
  nml::type::v1::Date d;
  d.set_year(year);
  d.set_month(month);
  d.set_day(day);
  return d;
}

TEST(CheckDate, ADayTheMonthDoesNotHaveIsRefusedSayingSo) {
  EXPECT_TRUE(CheckDate(Day(2022, 2, 28), "as_of").ok());
  EXPECT_TRUE(CheckDate(Day(2024, 2, 29), "as_of").ok()) << "a leap year";
  EXPECT_TRUE(CheckDate(Day(2000, 2, 29), "as_of").ok()) << "every 400 years";
  EXPECT_TRUE(CheckDate(Day(2021, 12, 31), "as_of").ok());
  EXPECT_TRUE(CheckDate(Day(2021, 0, 0), "as_of").ok()) << "a year alone";

  const absl::Status feb30 = CheckDate(Day(2022, 2, 30), "options.as_of");
  EXPECT_EQ(feb30.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(feb30.message(), "options.as_of"));
  EXPECT_TRUE(absl::StrContains(feb30.message(), "2022-02 has 28 days"))
      << feb30.message();
  EXPECT_FALSE(CheckDate(Day(1900, 2, 29), "as_of").ok()) << "not a leap year";
  EXPECT_FALSE(CheckDate(Day(2021, 4, 31), "as_of").ok());
  EXPECT_FALSE(CheckDate(Day(2021, 13, 1), "as_of").ok());
  EXPECT_FALSE(CheckDate(Day(2021, 0, 5), "as_of").ok()) << "a day, no month";
}

}  // namespace
}  // namespace nml::common
