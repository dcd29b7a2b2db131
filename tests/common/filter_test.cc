#include "common/api/filter.h"

#include <absl/strings/escaping.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>
#include <gtest/gtest.h>

#include "common/api/page_token.h"
#include "nml/listings/v1/resources.pb.h"

namespace nml::common {
namespace {

const FilterSchema& Schema() {
  static const FilterSchema kSchema = {
      {"year", {FieldType::kInt}},
      {"name", {FieldType::kString}},
      {"first_time", {FieldType::kBool}},
      {"kind", {FieldType::kEnum, listings::v1::MarketKind_descriptor()}},
      {"aliases", {FieldType::kStringList}},
  };
  return kSchema;
}

FieldGetter Row(int64_t year, std::string name, bool first, std::string kind,
                std::vector<std::string> aliases) {
  return [=](std::string_view f) -> FieldValue {
    if (f == "year") return year;
    if (f == "name") return name;
    if (f == "first_time") return first;
    if (f == "kind") return kind;
    return aliases;
  };
}

bool Matches(const std::string& text, const FieldGetter& row) {
  auto filter = Filter::Parse(text, Schema());
  EXPECT_TRUE(filter.ok()) << text << ": " << filter.status();
  return filter.ok() && filter->Matches(row);
}

TEST(Filter, EvaluatesComparisonsAndBooleanLogic) {
  const auto ali = Row(2021, "AliExpress", true, "MARKET_KIND_ONLINE", {"Ali"});
  EXPECT_TRUE(Matches("", ali));
  EXPECT_TRUE(Matches("year = 2021", ali));
  EXPECT_TRUE(Matches("year >= 2020 AND year < 2022", ali));
  EXPECT_FALSE(Matches("year != 2021", ali));
  EXPECT_TRUE(Matches("name = \"AliExpress\" AND first_time = true", ali));
  EXPECT_TRUE(Matches("kind = MARKET_KIND_PHYSICAL OR aliases:\"Ali\"", ali));
  EXPECT_FALSE(Matches("NOT (kind = MARKET_KIND_ONLINE)", ali));
  EXPECT_TRUE(Matches("name = \"a \\\"quoted\\\" name\" OR year = 2021", ali));
}

TEST(Filter, ARequiredListValueIsFoundOnlyWhereEveryMatchHasIt) {
  auto required = [](const std::string& text) {
    auto filter = Filter::Parse(text, Schema());
    EXPECT_TRUE(filter.ok()) << text << ": " << filter.status();
    const auto term =
        filter.ok() ? filter->RequiredHas("aliases") : std::nullopt;
    return term ? std::optional<std::string>(term->value) : std::nullopt;
  };
  EXPECT_EQ(required("aliases:\"Ali\""), "Ali");
  EXPECT_EQ(required("year = 2021 AND (first_time = true AND aliases:\"Ali\")"),
            "Ali");
  EXPECT_EQ(required("aliases:\"Ali\" OR year = 2021"), std::nullopt);
  EXPECT_EQ(required("NOT aliases:\"Ali\""), std::nullopt);
  EXPECT_EQ(required("year = 2021"), std::nullopt);
  EXPECT_EQ(required(""), std::nullopt);

  // Written TRUE where the caller enforces it; kept under OR and NOT.
  auto filter = Filter::Parse(
      "aliases:\"Ali\" AND (aliases:\"Ali\" OR year = 2021)", Schema());
  ASSERT_TRUE(filter.ok());
  const SqlMapping mapping = {{"aliases", {"m.aliases", nullptr}},
                              {"year", {"m.year", nullptr}}};
  const HasTerm enforced{"aliases", "Ali"};
  std::vector<std::string> params;
  auto sql = filter->ToSql(mapping, &params, &enforced);
  ASSERT_TRUE(sql.ok()) << sql.status();
  EXPECT_EQ(*sql,
            "(TRUE AND (m.aliases @> ARRAY[$1::text] OR m.year = $2::bigint))");
}

TEST(Filter, ParseErrorsNameThePosition) {
  auto expect_error = [](const std::string& text, const std::string& want) {
    auto filter = Filter::Parse(text, Schema());
    ASSERT_FALSE(filter.ok()) << text;
    EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(filter.status().message()), want) << text;
  };
  expect_error("year = ", "filter: at position 8: 'year' takes a number");
  expect_error("year == 2021", "filter: at position 7: 'year' takes a number");
  expect_error(
      "year = 2021 year = 2020",
      "filter: at position 13: expected AND, OR or the end, found 'year'");
  expect_error("colour = \"red\"",
               "filter: at position 1: unknown field 'colour' (filterable: "
               "aliases, first_time, kind, name, year)");
  expect_error("name = \"open", "filter: at position 8: unterminated string");
  expect_error("(year = 1", "filter: at position 10: expected ')'");
  expect_error("kind = ONLINE",
               "filter: at position 8: 'kind' takes one of MARKET_KIND_ONLINE, "
               "MARKET_KIND_PHYSICAL");
  expect_error("aliases = \"x\"",
               "filter: at position 9: 'aliases' is repeated: use ':'");
  expect_error("year = 1; DROP TABLE listings",
               "filter: at position 9: unexpected character ';' (U+003B)");
  // Positions count characters, and a character is named whole.
  expect_error("name = \"Bücher\" ö",
               "filter: at position 17: unexpected character 'ö' (U+00F6)");
  // A NUL would cut the value where PostgreSQL reads it: refused anywhere.
  expect_error(std::string("name = \"Bazaar\0zzz\"", 19),
               "filter: at position 15: control character U+0000 is not "
               "allowed");
  expect_error("name = \"\xC3\"", "filter: is not valid UTF-8");
}

TEST(OrderBy, EchoesABoundedPartOfWhatItRefuses) {
  const std::string huge(100000, 'x');
  auto order = ParseOrderBy(huge, {"year"}, {});
  ASSERT_FALSE(order.ok());
  EXPECT_LT(order.status().message().size(), 100u) << order.status().message();
  order = ParseOrderBy(std::string(500, 'y') + " sideways", {"year"}, {});
  ASSERT_FALSE(order.ok());
  EXPECT_LT(order.status().message().size(), 200u) << order.status().message();
}

TEST(OrderBy, AcceptsOnlyAllowedFields) {
  auto order = ParseOrderBy("year desc, name", {"year", "name"}, {});
  ASSERT_TRUE(order.ok());
  ASSERT_EQ(order->size(), 2u);
  EXPECT_TRUE((*order)[0].descending);
  EXPECT_FALSE((*order)[1].descending);
  EXPECT_FALSE(ParseOrderBy("secret", {"year"}, {}).ok());
  EXPECT_FALSE(ParseOrderBy("year sideways", {"year"}, {}).ok());
}

TEST(PageToken, RoundTripsAndRejectsForgedOrForeignTokens) {
  const uint64_t fp = Fingerprint({"reviews/2021", "year = 2021", ""});
  const std::string token = EncodePageToken(fp, 50, 7);
  auto offset = DecodePageToken(token, fp);
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(offset->offset, 50);
  EXPECT_EQ(offset->data_version, 7);
  EXPECT_EQ(PageTokenDataVersion(token), 7);
  EXPECT_EQ(PageTokenDataVersion("not a token"), 0);
  // Another filter, a flipped character, garbage: all INVALID_ARGUMENT.
  EXPECT_EQ(DecodePageToken(token, Fingerprint({"reviews/2021", "", ""}))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  std::string forged = token;
  forged[3] = forged[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(DecodePageToken(forged, fp).ok());
  EXPECT_FALSE(DecodePageToken("not a token", fp).ok());
  EXPECT_EQ(*EffectivePageSize(0), 50);
  EXPECT_EQ(*EffectivePageSize(5000), 1000);
  EXPECT_FALSE(EffectivePageSize(-1).ok());
}

TEST(PageToken, AForgedOffsetOrCursorIsRefusedAndReplicasShareAKey) {
  SetPageTokenKey("replica secret");
  const uint64_t fp = Fingerprint({"reviews/2021", "", ""});
  const std::string token = EncodePageToken(fp, 50);
  std::string decoded;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &decoded));
  // Whoever reads a token knows its layout:
  // "p3.<fingerprint>.<offset>.<data version>.<mac>". Moving the offset,
  // keeping or recomputing any unkeyed check, fails.
  std::vector<std::string> parts = absl::StrSplit(decoded, '.');
  ASSERT_EQ(parts.size(), 5u);
  const std::string body =
      absl::StrCat(parts[0], ".", parts[1], ".", 5000, ".", parts[3]);
  for (const std::string& mac :
       {parts[4], absl::StrCat(Fingerprint({body, "nml-page-token"})),
        std::string(32, '0')}) {
    EXPECT_FALSE(
        DecodePageToken(absl::WebSafeBase64Escape(absl::StrCat(body, ".", mac)),
                        fp)
            .ok())
        << mac;
  }
  const Cursor cursor{"2022-02-01", 7};
  const std::string keyset = EncodeCursorToken(fp, cursor);
  ASSERT_TRUE(absl::WebSafeBase64Unescape(keyset, &decoded));
  parts = absl::StrSplit(decoded, '.');
  ASSERT_EQ(parts.size(), 5u);
  const std::string moved = absl::StrCat(parts[0], ".", parts[1], ".", 1, ".",
                                         parts[3], ".", parts[4]);
  EXPECT_FALSE(DecodeCursorToken(absl::WebSafeBase64Escape(moved), fp).ok());

  // Another replica with the same secret takes the tokens; another secret
  // (or none: a random key) does not.
  SetPageTokenKey("replica secret");
  EXPECT_EQ(DecodePageToken(token, fp)->offset, 50);
  EXPECT_EQ(DecodeCursorToken(keyset, fp)->seq, 7);
  SetPageTokenKey("another secret");
  EXPECT_FALSE(DecodePageToken(token, fp).ok());
  EXPECT_FALSE(DecodeCursorToken(keyset, fp).ok());
}

}  // namespace
}  // namespace nml::common
