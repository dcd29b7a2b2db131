// nmlctl's file handling and printing, without a server.
#include <gtest/gtest.h>

#include "common/api/strings.h"
#include "nml/responses/v1/resources.pb.h"
#include "tools/nmlctl/client.h"
#include "tools/nmlctl/csv.h"
#include "tools/nmlctl/import.h"
#include "tools/nmlctl/responses_import.h"
#include "tools/nmlctl/screen_file.h"

namespace nml::cli {
namespace {

TEST(ParseCsv, ReadsQuotesEscapesAndEmbeddedNewlinesWithTheirLines) {
  const auto records = ParseCsv(
      "name,summary\r\n"
      "Taobao,\"says \"\"no\"\", twice\"\r\n"
      "\"Saigon\nSquare\",plain\n"
      "\n"
      "Last,row",
      {"name"});
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].line, 2);
  EXPECT_EQ((*records)[0].fields.at("summary"), "says \"no\", twice");
  EXPECT_EQ((*records)[1].fields.at("name"), "Saigon\nSquare");
  EXPECT_EQ((*records)[1].line, 3);
  EXPECT_EQ((*records)[2].line, 6) << "lines count the quoted newline";
}

TEST(ParseCsv, NamesTheLineOfWhatIsWrong) {
  EXPECT_EQ(ParseCsv("name,kind\nTaobao\n", {}).status().message(),
            "line 2: 1 fields, the header has 2");
  EXPECT_EQ(ParseCsv("name\n\"open", {}).status().message(),
            "line 2: unterminated quoted field");
  EXPECT_EQ(ParseCsv("name,kind\n", {"year"}).status().message(),
            "line 1: missing column 'year' (header: name,kind)");
  EXPECT_EQ(ParseCsv("", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A Latin-1 file: named here, instead of a message protobuf cannot send.
  EXPECT_EQ(ParseCsv("name,kind\nMarch\xe9 Central,physical\n", {})
                .status()
                .message(),
            "line 2: name: not valid UTF-8 (save the file as UTF-8)");
}

constexpr char kMarkets[] =
    "year,name,kind,country,city,operator,infringement,first_listed_year,"
    "domains,source_url,confidence\n"
    "2021,AliExpress,online,CN,,Alibaba,counterfeiting,2021,aliexpress.com,"
    "https://example.org/2021,high\n"
    "2020,Taobao,online,CN,,Alibaba,counterfeiting,,taobao.com,"
    "https://example.org/2020,high\n";
constexpr char kCounts[] =
    "year,online_count,physical_count,published_date,source_url\n"
    "2021,42,35,2022-02-17,https://example.org/2021\n";

TEST(BuildReviewImports, OneRetrySafeRequestPerYearOldestFirst) {
  auto built =
      BuildReviewImports("markets.csv", kMarkets, "counts.csv", kCounts);
  ASSERT_TRUE(built.ok()) << built.status();
  const auto& imports = built->imports;
  ASSERT_EQ(imports.size(), 2u);
  EXPECT_TRUE(built->problems.empty());
  EXPECT_EQ(imports[0].request.review().year(), 2020);
  EXPECT_EQ(imports[1].request.review().declared_online_count(), 42);
  EXPECT_EQ(imports[1].lines, std::vector<int>{2});
  EXPECT_EQ(imports[1].request.listings(0).confidence(),
            listings::v1::CONFIDENCE_HIGH);
  auto again =
      BuildReviewImports("markets.csv", kMarkets, "counts.csv", kCounts);
  EXPECT_EQ(again->imports[1].request.request_id(),
            imports[1].request.request_id())
      << "the same files give the same request ids";
}

TEST(BuildReviewImports, EveryBadCellIsReportedByFileLineColumnAndValue) {
  std::string markets = kMarkets;
  markets.replace(markets.find("2020,Taobao"), 4, "20x0");
  markets.replace(markets.find("online,CN,,Alibaba,counterfeiting,2021"), 6,
                  "onlin");
  markets += "2020,Tmall,online,CN,,,forgery,,,https://example.org/t,sure\n";
  const auto built =
      BuildReviewImports("markets.csv", markets, "counts.csv", kCounts);
  ASSERT_TRUE(built.ok()) << built.status();
  std::vector<std::string> report;
  for (const auto& p : built->problems) report.push_back(FormatProblem(p));
  EXPECT_EQ(report,
            (std::vector<std::string>{
                "markets.csv:2: kind 'onlin': is not online or physical",
                "markets.csv:3: year '20x0': is not a number",
                "markets.csv:4: infringement 'forgery': 'forgery' is not "
                "counterfeiting or piracy",
                "markets.csv:4: confidence 'sure': is not high, medium or "
                "low"}));
  EXPECT_TRUE(built->imports.size() == 1 &&
              built->imports[0].request.listings_size() == 0)
      << "rows with problems are not sent; the 2021 review still is";
}

TEST(LocateImportError, PointsAServerErrorAtTheCsvLine) {
  auto built =
      BuildReviewImports("markets.csv", kMarkets, "counts.csv", kCounts);
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(LocateImportError("listings[0].country_code: unknown",
                              built->imports[1], "markets.csv"),
            "markets.csv:2: country_code: unknown");
  EXPECT_EQ(
      LocateImportError("declared totals unknown", built->imports[1], "m.csv"),
      "reviews/2021: declared totals unknown");
  listings::v1::ImportProblem problem;
  problem.set_row(0);
  problem.set_field("listings[0].domains[0].pattern");
  problem.set_description("is not a host name");
  EXPECT_EQ(FormatProblem(LocateProblem(problem, built->imports[1],
                                        "markets.csv", "review_counts.csv")),
            "markets.csv:2: domains 'aliexpress.com': is not a host name");
}

TEST(BuildResponsesImport, KeepsTheFreeTextForTheServer) {
  const auto import = BuildResponsesImport(
      "responses.csv",
      "year,stakeholder,stakeholder_type,target_market,stance,paraphrase,"
      "date,source_url\n"
      "2021,Tencent,company,WeChat,strongly disagrees,Disagreed.,2022-02-18,"
      "https://example.org/t\n");
  ASSERT_TRUE(import.ok()) << import.status();
  ASSERT_EQ(import->request.rows_size(), 1);
  EXPECT_EQ(import->request.rows(0).stance_text(), "strongly disagrees");
  EXPECT_EQ(import->request.rows(0).stated_on().day(), 18);
  EXPECT_FALSE(import->request.request_id().empty());
}

TEST(ReadScreenInputs, LinesOrTheUrlColumnOfACsv) {
  EXPECT_EQ(*ReadScreenInputs("u.txt", "# hosts\n a.com \n\nb.com/x\n"),
            (std::vector<std::string>{"a.com", "b.com/x"}));
  EXPECT_EQ(*ReadScreenInputs("u.csv", "seller,url\nX,\"a.com/?q=1,2\"\n"),
            (std::vector<std::string>{"a.com/?q=1,2"}));
  EXPECT_EQ(
      ReadScreenInputs("u.csv", "seller,shop\nX,a.com\n").status().message(),
      "u.csv:1: a CSV file needs a url or input column");
  EXPECT_EQ(common::CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(common::CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(common::CsvField("plain"), "plain");
}

TEST(EnumLabel, DropsTheTypePrefix) {
  namespace rv1 = nml::responses::v1;
  EXPECT_EQ(EnumLabel(rv1::Stance_descriptor(), rv1::STANCE_DISAGREES),
            "DISAGREES");
  EXPECT_EQ(EnumLabel(rv1::StakeholderType_descriptor(),
                      rv1::STAKEHOLDER_TYPE_INDUSTRY_ASSOCIATION),
            "INDUSTRY_ASSOCIATION");
  EXPECT_EQ(EnumLabel(rv1::Stance_descriptor(), 99), "99");
  EXPECT_EQ(MarketArgument("taobao"), "markets/taobao");
  EXPECT_EQ(MarketArgument("markets/taobao"), "markets/taobao");
}

}  // namespace
}  // namespace nml::cli
