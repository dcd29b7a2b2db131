#include "common/api/field_mask.h"

#include <gtest/gtest.h>

#include "nml/responses/v1/resources.pb.h"

namespace nml::common {
namespace {

using responses::v1::Stakeholder;

const std::set<std::string> kUpdatable = {"display_name", "aliases",
                                          "country_code"};

google::protobuf::FieldMask Mask(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask mask;
  for (const char* p : paths) mask.add_paths(p);
  return mask;
}

Stakeholder Current() {
  Stakeholder s;
  s.set_name("stakeholders/tencent");
  s.set_display_name("Tencent");
  s.add_aliases("Tencent Holdings");
  s.set_country_code("CN");
  return s;
}

TEST(ApplyFieldMask, WritesOnlyTheNamedFieldsAndReplacesLists) {
  Stakeholder source;
  source.set_display_name("ignored");
  source.add_aliases("WeChat");
  Stakeholder target = Current();
  ASSERT_TRUE(
      ApplyFieldMask(Mask({"aliases"}), source, kUpdatable, target).ok());
  EXPECT_EQ(target.display_name(), "Tencent");
  ASSERT_EQ(target.aliases_size(), 1);
  EXPECT_EQ(target.aliases(0), "WeChat");
}

TEST(ApplyFieldMask, AStarWritesEveryUpdatableFieldAndNothingElse) {
  Stakeholder source;
  source.set_name("stakeholders/other");
  source.set_display_name("Tencent Holdings Ltd");
  Stakeholder target = Current();
  ASSERT_TRUE(ApplyFieldMask(Mask({"*"}), source, kUpdatable, target).ok());
  EXPECT_EQ(target.name(), "stakeholders/tencent");
  EXPECT_EQ(target.display_name(), "Tencent Holdings Ltd");
  EXPECT_EQ(target.aliases_size(), 0) << "an absent list is written empty";
  EXPECT_EQ(target.country_code(), "");
}

TEST(ApplyFieldMask, RefusesEmptyMasksAndOtherFieldsLeavingTheTargetAlone) {
  Stakeholder target = Current();
  const absl::Status empty =
      ApplyFieldMask(Mask({}), Stakeholder(), kUpdatable, target);
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.message(),
            "update_mask: is required (use \"*\" for every field)");
  const absl::Status name = ApplyFieldMask(Mask({"aliases", "name"}),
                                           Stakeholder(), kUpdatable, target);
  EXPECT_EQ(name.message(), "update_mask: 'name' cannot be updated");
  EXPECT_EQ(target.aliases_size(), 1);
  const absl::Status nested = ApplyFieldMask(Mask({"create_time.seconds"}),
                                             Stakeholder(), kUpdatable, target);
  EXPECT_EQ(nested.code(), absl::StatusCode::kInvalidArgument);
}

TEST(MaskWrites, CountsTheStar) {
  EXPECT_TRUE(MaskWrites(Mask({"*"}), "targets"));
  EXPECT_TRUE(MaskWrites(Mask({"summary", "targets"}), "targets"));
  EXPECT_FALSE(MaskWrites(Mask({"summary"}), "targets"));
}

}  // namespace
}  // namespace nml::common
