#include "common/api/list_page.h"

#include <gtest/gtest.h>

#include "nml/responses/v1/resources.pb.h"

namespace nml::common {
namespace {

using responses::v1::Stakeholder;

const FilterSchema& Schema() {
  static const FilterSchema kSchema = {
      {"display_name", {FieldType::kString}},
      {"country_code", {FieldType::kString}},
  };
  return kSchema;
}

FieldValue Field(const Stakeholder& s, std::string_view f) {
  if (f == "name") return s.name();
  if (f == "country_code") return s.country_code();
  return s.display_name();
}

std::vector<Stakeholder> Items() {
  std::vector<Stakeholder> items;
  for (const auto& [id, country] :
       std::vector<std::pair<std::string, std::string>>{{"alibaba", "CN"},
                                                        {"aafa", "US"},
                                                        {"tencent", "CN"},
                                                        {"mpa", "US"},
                                                        {"mofcom", "CN"}}) {
    Stakeholder& s = items.emplace_back();
    s.set_name("stakeholders/" + id);
    s.set_display_name(id);
    s.set_country_code(country);
  }
  return items;
}

struct Page {
  absl::Status status;
  std::vector<std::string> names;
  std::string next;
};

Page List(const std::vector<Stakeholder>& items, std::string_view filter,
          std::string_view order, int size, std::string_view token,
          int64_t data_version = 0) {
  google::protobuf::RepeatedPtrField<Stakeholder> out;
  Page page;
  page.status =
      ListPage(Pointers(items), Field, Schema(), filter,
               {"name", "country_code"}, {{"name", false}}, order, size, token,
               "stakeholders", data_version, &out, &page.next, nullptr);
  for (const auto& s : out) page.names.push_back(s.display_name());
  return page;
}

TEST(ListPage, FiltersOrdersAndPagesToTheEnd) {
  const auto items = Items();
  Page first = List(items, "country_code = \"CN\"", "name desc", 2, "");
  ASSERT_TRUE(first.status.ok()) << first.status;
  EXPECT_EQ(first.names, (std::vector<std::string>{"tencent", "mofcom"}));
  Page second =
      List(items, "country_code = \"CN\"", "name desc", 2, first.next);
  ASSERT_TRUE(second.status.ok()) << second.status;
  EXPECT_EQ(second.names, std::vector<std::string>{"alibaba"});
  EXPECT_TRUE(second.next.empty());
}

TEST(ListPage, ATokenOnlyContinuesTheListItCameFrom) {
  const auto items = Items();
  const Page first = List(items, "", "", 2, "");
  ASSERT_FALSE(first.next.empty());
  EXPECT_EQ(
      List(items, "country_code = \"US\"", "", 2, first.next).status.code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(List(items, "", "country_code", 2, first.next).status.code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(List(items, "", "", 2, "garbage").status.code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ListPage, ATokenContinuesOnlyTheDataVersionItWasReadAt) {
  const auto items = Items();
  const Page first = List(items, "", "", 2, "", /*data_version=*/5);
  ASSERT_FALSE(first.next.empty());
  EXPECT_EQ(PageTokenDataVersion(first.next), 5);
  EXPECT_TRUE(List(items, "", "", 2, first.next, 5).status.ok());
  const Page moved = List(items, "", "", 2, first.next, 6);
  EXPECT_EQ(moved.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(moved.status.message(),
            "page_token: the list was read at data version 5, not 6; start "
            "the list again");
}

TEST(ListPage, OrdersByTheKeysInTurnAndKeepsTiesStable) {
  const auto items = Items();
  const Page page = List(items, "", "country_code desc, name", 10, "");
  EXPECT_EQ(page.names, (std::vector<std::string>{"aafa", "mpa", "alibaba",
                                                  "mofcom", "tencent"}));
}

}  // namespace
}  // namespace nml::common
