// data/ (the 2019-2025 reviews) loaded as a user would, then a file of the
// cases real spellings bring: a territory country, a market named by its
// host in either import order, a near variant, bad rows among good ones.
// The whole system runs: nmlctl, both services, the gateway over HTTP.
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_replace.h>
#include <absl/strings/str_split.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "tests/support/topology.h"

namespace nml {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using nml::testing::RunProcess;
using nml::testing::TempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Rows of other years, as a source would spell them.
constexpr char kGoodRows[] =
    // A market named by its host, imported after the market that owns the
    // host (RARBG, rarbg.to, 2019-2022).
    "2018,rarbg.to,online,,,,piracy,,,https://example.org/2018,high\n"
    // The other order: a host-named market first (2017), the name with the
    // domain later (2018).
    "2017,example-pirate.to,online,,,,piracy,,,https://example.org/2017,"
    "medium\n"
    "2018,Example Pirate,online,,,,piracy,,example-pirate.to,"
    "https://example.org/2018,high\n"
    // A territory as sources write it.
    "2018,Ladies Market,physical,China (Hong Kong),Hong Kong,,"
    "counterfeiting,,,https://example.org/2018,medium\n";
constexpr char kBadRows[] =
    "2018,Atlantis Bazaar,physical,Atlantis,,,counterfeiting,,,"
    "https://example.org/2018,high\n"
    "2018,Offline Market,offline,,,,,,,https://example.org/2018,high\n";

class RealData : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(system_.Start());
    ASSERT_NO_FATAL_FAILURE(system_.LoadData());
    client_ =
        std::make_unique<httplib::Client>("127.0.0.1", system_.http_port());
    client_->set_read_timeout(30, 0);
  }

  nml::testing::RunResult Nmlctl(std::vector<std::string> args) {
    args.insert(args.begin(),
                {"--addr", system_.listings_address(), "--responses-addr",
                 system_.responses_address(), "--timeout", "60000"});
    return RunProcess(NML_NMLCTL_BIN, args, {}, 120s);
  }

  // data/ plus `extra` rows of markets.csv, in a directory of its own.
  std::string DataWith(const std::string& extra) {
    std::ofstream(dir_.File("markets.csv"))
        << ReadAll(NML_SOURCE_DIR "/data/markets.csv") << extra;
    std::ofstream(dir_.File("review_counts.csv"))
        << ReadAll(NML_SOURCE_DIR "/data/review_counts.csv");
    return dir_.path();
  }

  json Get(const std::string& path) {
    auto result = client_->Get(path.c_str());
    EXPECT_TRUE(result) << path;
    if (!result) return json();
    EXPECT_EQ(result->status, 200) << path << ": " << result->body;
    return json::parse(result->body, nullptr, false);
  }

  json Post(const std::string& path, const json& body) {
    auto result = client_->Post(path.c_str(), body.dump(), "application/json");
    EXPECT_TRUE(result) << path;
    if (!result) return json();
    EXPECT_EQ(result->status, 200) << path << ": " << result->body;
    return json::parse(result->body, nullptr, false);
  }

  // A response by a new stakeholder on `target`.
  std::string Respond(const std::string& who, const std::string& target) {
    const json stakeholder = Post(
        "/v1/stakeholders",
        {{"displayName", who}, {"type", "STAKEHOLDER_TYPE_MARKET_OPERATOR"}});
    const json response = Post(
        "/v1/responses", {{"stakeholder", stakeholder["stakeholder"]["name"]},
                          {"reviewYear", 2021},
                          {"targets", {target}},
                          {"stance", "STANCE_DISAGREES"},
                          {"summary", "Test response."},
                          {"sourceUrl", "https://example.org/response"}});
    return response["response"]["name"];
  }

  std::set<std::string> DossierResponses(const std::string& market) {
    std::set<std::string> names;
    const json dossier = Get(absl::StrCat("/v1/", market, ":dossier"));
    for (const auto& r : dossier["responses"]["responses"])
      names.insert(r["name"].get<std::string>());
    return names;
  }

  nml::testing::Topology system_;
  std::unique_ptr<httplib::Client> client_;
  TempDir dir_{"nml-real-data"};
};

TEST_F(RealData, AnImportReportsEveryProblemThenReconcilesInEitherOrder) {
  const json before = Get("/v1/status");
  // Every problem of the file in one report, client-side (kind) and
  // server-side (country) alike; nothing written.
  const auto refused =
      Nmlctl({"import", DataWith(std::string(kGoodRows) + kBadRows)});
  EXPECT_EQ(refused.exit_status, 1);
  EXPECT_TRUE(absl::StrContains(refused.err,
                                "markets.csv:283: country 'Atlantis': "
                                "'Atlantis' is not a known country"))
      << refused.err;
  EXPECT_TRUE(absl::StrContains(refused.err,
                                "markets.csv:284: kind 'offline': is not "
                                "online or physical"))
      << refused.err;
  EXPECT_TRUE(absl::StrContains(refused.err, "2 problems; nothing written"))
      << refused.err;
  EXPECT_EQ(Get("/v1/status")["dataVersion"], before["dataVersion"]);

  // A problem of review_counts.csv does not hide those of markets.csv:
  // both files' problems, each at its line, with and without
  // --validate-only.
  std::string counts = ReadAll(dir_.File("review_counts.csv"));
  counts = absl::StrReplaceAll(
      counts, {{"http://www.buenosairesherald.com", "ftp://example.org"}});
  std::ofstream(dir_.File("review_counts.csv")) << counts;
  for (const bool validate_only : {false, true}) {
    std::vector<std::string> args{"import", dir_.path()};
    if (validate_only) args.insert(args.begin() + 1, "--validate-only");
    const auto both = Nmlctl(args);
    EXPECT_EQ(both.exit_status, 1);
    EXPECT_TRUE(absl::StrContains(
        both.err, "review_counts.csv:14: source_url 'ftp://example.org/"))
        << both.err;
    EXPECT_TRUE(absl::StrContains(both.err, "markets.csv:283: country"))
        << both.err;
    EXPECT_TRUE(absl::StrContains(both.err, "3 problems; nothing written"))
        << both.err;
  }
  EXPECT_EQ(Get("/v1/status")["dataVersion"], before["dataVersion"]);

  // --validate-only: the plan, its reconciliations, nothing written.
  const std::string good = DataWith(kGoodRows);
  const auto checked = Nmlctl({"import", "--validate-only", good});
  EXPECT_EQ(checked.exit_status, 0) << checked.err;
  EXPECT_TRUE(absl::StrContains(checked.out, "nothing written")) << checked.out;
  EXPECT_EQ(Get("/v1/status")["dataVersion"], before["dataVersion"]);

  const auto imported = Nmlctl({"import", good});
  ASSERT_EQ(imported.exit_status, 0) << imported.err;
  // Each automatic reconciliation with its rule, in both orders.
  EXPECT_TRUE(absl::StrContains(
      imported.out,
      "markets.csv:279: 'rarbg.to' -> markets/rarbg ('RARBG') by HOST_NAME: "
      "the row's name is the market's domain rarbg.to"))
      << imported.out;
  EXPECT_TRUE(absl::StrContains(
      imported.out,
      "markets.csv:281: 'Example Pirate' -> markets/example-pirate-to "
      "('example-pirate.to') by HOST_NAME: the row's domain "
      "example-pirate.to is the market's name"))
      << imported.out;
  EXPECT_TRUE(absl::StrContains(imported.out, "merge suggestions"))
      << imported.out;
  EXPECT_EQ(Get("/v1/markets/rarbg:history")["yearsListed"],
            json::array({2018, 2019, 2020, 2021, 2022}));
  EXPECT_EQ(Get("/v1/markets/ladies-market")["market"]["countryCode"], "HK");
}

TEST_F(RealData, AcceptingASuggestionMergesAndTheSurvivorShowsEveryResponse) {
  const auto listed = Nmlctl({"suggestions"});
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  const std::string id = "saigon-square-trade-center~saigon-square";
  EXPECT_TRUE(absl::StrContains(listed.out, id)) << listed.out;
  EXPECT_TRUE(absl::StrContains(
      listed.out,
      "'Saigon Square Trade Center' extends 'Saigon Square' with the place "
      "words 'trade center'"))
      << listed.out;
  EXPECT_TRUE(absl::StrContains(listed.out, "same city: Ho Chi Minh City"))
      << listed.out;
  EXPECT_TRUE(absl::StrContains(listed.out, "never in the same review"))
      << listed.out;

  // Responses filed before the merge on both markets.
  const std::string on_old =
      Respond("Old Name Traders", "markets/saigon-square");
  const std::string on_new =
      Respond("New Name Traders", "markets/saigon-square-trade-center");

  const auto accepted = Nmlctl({"suggestions", "accept", id});
  ASSERT_EQ(accepted.exit_status, 0) << accepted.err;
  EXPECT_TRUE(
      absl::StrContains(accepted.out, "markets/saigon-square now redirects"))
      << accepted.out;
  // The old name answers with the survivor; its history is whole.
  EXPECT_EQ(Get("/v1/markets/saigon-square")["market"]["name"],
            "markets/saigon-square-trade-center");
  EXPECT_EQ(
      Get("/v1/markets/saigon-square-trade-center:history")["yearsListed"],
      json::array({2022, 2023, 2024}));
  const auto responses = DossierResponses("markets/saigon-square-trade-center");
  EXPECT_TRUE(responses.contains(on_old))
      << "filed on the merged-away name: " << on_old << " in "
      << json(responses).dump();
  EXPECT_TRUE(responses.contains(on_new));
  // The old name's dossier is the survivor's.
  EXPECT_EQ(DossierResponses("markets/saigon-square"), responses);
  // And in the summary.
  EXPECT_EQ(Get("/v1/responses:summarize?target=markets/"
                "saigon-square-trade-center")["total"],
            2);
  EXPECT_FALSE(Nmlctl({"suggestions"}).out.find(id) != std::string::npos)
      << "an accepted suggestion is gone";
}

TEST_F(RealData, FirstTimeIsWhatTheDataCanTell) {
  // The earliest loaded review proves nothing: unknown, not "first time".
  const json taobao = Get("/v1/reviews/2019/listings/taobao")["listing"];
  EXPECT_FALSE(taobao.contains("firstTime")) << taobao.dump();
  // The source says 2024 is Douyin Mall's first year; and 2021 AliExpress's.
  const json douyin = Get("/v1/reviews/2024/listings/douyin-mall")["listing"];
  EXPECT_EQ(douyin["firstTime"], true);
  EXPECT_EQ(douyin["reportedFirstYear"], 2024);
  EXPECT_EQ(Get("/v1/reviews/2021/listings/aliexpress")["listing"]["firstTime"],
            true);
  // Listed before: not first time.
  EXPECT_EQ(Get("/v1/reviews/2022/listings/aliexpress")["listing"]["firstTime"],
            false);
  // The confidence column is kept.
  EXPECT_EQ(Get("/v1/reviews/2025/listings/taobao")["listing"]["confidence"],
            "CONFIDENCE_MEDIUM");
  const json stats = Get("/v1/reviews/2019:stats");
  // Amazon's foreign domains and BestBuyIPTV, whose sources say 2019 was
  // their first.
  EXPECT_EQ(stats["firstTimeCount"], 2);
  EXPECT_GT(stats["firstTimeUnknownCount"].get<int>(), 40);
}

// Issue 26: a row nml lacks is unknown, not absent. 2021's online list is
// whole (42 of 42), its physical list 12 of 35; 2022's are 26 of 39 and 12
// of 33.
TEST_F(RealData, ADiffClaimsNoRemovalOrAdditionAnIncompleteListCannotProve) {
  const json diff = Get("/v1/reviews:diff?baseYear=2021&targetYear=2022");
  std::map<std::string, json> by_name;
  for (const json& c : diff["changes"]) by_name[c["market"]] = c;
  EXPECT_EQ(diff.value("removedCount", 0), 0) << "2022's lists are incomplete";
  for (const json& c : diff["changes"]) {
    const std::string type = c["change"];
    EXPECT_NE(type, "CHANGE_TYPE_REMOVED") << c.dump();
    // Added needs the base's list of the kind complete (online), or a
    // source's first year after 2021 (Saigon Square: 2022).
    if ((type == "CHANGE_TYPE_ADDED" || type == "CHANGE_TYPE_RELISTED") &&
        c["kind"] == "MARKET_KIND_PHYSICAL") {
      EXPECT_EQ(c["reason"], "a source reports it first listed in 2022")
          << c.dump();
    }
    EXPECT_FALSE(c.value("reason", "").empty()) << c.dump();
  }
  // In 2021, no 2022 row: unknown, with the list that cannot tell.
  const json& chomikuj = by_name["markets/chomikuj"];
  EXPECT_EQ(chomikuj["change"], "CHANGE_TYPE_NOT_LOADED");
  EXPECT_EQ(chomikuj["reason"],
            "not among the 26 of 39 online markets loaded for the 2022 "
            "review");
  // New in 2022's rows, but 2021's physical list is 12 of 35.
  const json& mbk = by_name["markets/mbk-center"];
  EXPECT_EQ(mbk["change"], "CHANGE_TYPE_NOT_LOADED");
  EXPECT_EQ(mbk["reason"],
            "not among the 12 of 35 physical markets loaded for the 2021 "
            "review");
  EXPECT_GT(diff["notLoadedCount"].get<int>(), 20);
  EXPECT_EQ(diff["baseCompleteness"][0]["state"], "COMPLETENESS_COMPLETE");
  EXPECT_EQ(diff["targetCompleteness"][0]["state"], "COMPLETENESS_INCOMPLETE");

  // nmlctl says the same, over gRPC.
  const auto text = Nmlctl({"diff", "2021", "2022"});
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_FALSE(absl::StrContains(text.out, "\nREMOVED")) << text.out;
  EXPECT_TRUE(absl::StrContains(text.out, "removed 0,")) << text.out;
  EXPECT_TRUE(absl::StrContains(
      text.out,
      "2022 online list not complete: 26 of 39 online markets "
      "loaded"))
      << text.out;
}

TEST_F(RealData, ScreeningSaysUnknownWhereTheOnlineListIsIncomplete) {
  const auto screen = [&](const json& options) {
    return Post("/v1/domains:screen",
                {{"items",
                  {{{"input", "aliexpress.com"}},
                   {{"input", "https://example.org/shop"}},
                   {{"input", "www.taobao.com"}}}},
                 {"options", options}})["results"];
  };
  // 2021: online 42 of 42, so a host with no listing is NOT_LISTED.
  const json y2021 = screen({{"reviewYear", 2021}});
  EXPECT_EQ(y2021[0]["status"], "LISTING_STATUS_LISTED");
  EXPECT_EQ(y2021[1]["status"], "LISTING_STATUS_NOT_LISTED");
  EXPECT_EQ(y2021[1]["statusRule"], "STATUS_RULE_COMPLETE_LIST");
  // 2024: 23 of 38 online loaded. example.org is UNKNOWN, with the
  // coverage; taobao.com is listed; aliexpress.com (no 2024 row) unknown.
  const json y2024 = screen({{"reviewYear", 2024}});
  EXPECT_EQ(y2024[1]["status"], "LISTING_STATUS_UNKNOWN");
  EXPECT_EQ(y2024[1]["statusRule"], "STATUS_RULE_LIST_INCOMPLETE");
  EXPECT_EQ(y2024[1]["statusReason"],
            "unknown: not among the 23 of 38 online markets loaded for the "
            "2024 review");
  EXPECT_EQ(y2024[1]["onlineCompleteness"]["loadedCount"], 23);
  EXPECT_EQ(y2024[1]["onlineCompleteness"]["declaredCount"], 38);
  EXPECT_EQ(y2024[0]["status"], "LISTING_STATUS_UNKNOWN");
  EXPECT_EQ(y2024[2]["status"], "LISTING_STATUS_LISTED");
  // The latest review (2025, 8 of 37 online) likewise.
  const json latest = screen(json::object());
  EXPECT_EQ(latest[1]["reviewYear"], 2025);
  EXPECT_EQ(latest[1]["status"], "LISTING_STATUS_UNKNOWN");
  EXPECT_EQ(latest[2]["status"], "LISTING_STATUS_LISTED");
  // 2020 (38 of 39): AliExpress is not listed all the same, because its
  // source says it was first listed in 2021.
  const json y2020 = screen({{"reviewYear", 2020}});
  EXPECT_EQ(y2020[0]["status"], "LISTING_STATUS_NOT_LISTED");
  EXPECT_EQ(y2020[0]["statusRule"], "STATUS_RULE_FIRST_LISTED_LATER");
  EXPECT_EQ(y2020[1]["status"], "LISTING_STATUS_UNKNOWN");
  // Definitive answers only: the unknown one is an error naming the list.
  const json definitive =
      screen({{"reviewYear", 2024}, {"definitiveOnly", true}});
  EXPECT_EQ(definitive[1]["error"]["code"], 9);
  EXPECT_EQ(definitive[1]["error"]["message"],
            "no definitive answer: not among the 23 of 38 online markets "
            "loaded for the 2024 review");
  EXPECT_EQ(definitive[2]["status"], "LISTING_STATUS_LISTED");

  // nmlctl, and its bulk CSV, carry the same states.
  const auto text = Nmlctl({"screen", "--year", "2024", "example.org"});
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_TRUE(absl::StrContains(
      text.out,
      "example.org: UNKNOWN in reviews/2024 (DRAFT, published "
      "2025-01-08) (host example.org): unknown: not among the 23 "
      "of 38 online markets loaded for the 2024 review"))
      << text.out;
  std::ofstream(dir_.File("few.txt")) << "example.org\ntaobao.com\n";
  const auto bulk =
      Nmlctl({"screen", "--year", "2024", "--file", dir_.File("few.txt"),
              "--output", dir_.File("few.csv")});
  ASSERT_EQ(bulk.exit_status, 0) << bulk.err;
  const std::string csv = ReadAll(dir_.File("few.csv"));
  EXPECT_TRUE(absl::StrContains(csv, "example.org,example.org,,UNKNOWN,"))
      << csv;
  EXPECT_TRUE(absl::StrContains(csv, "taobao.com,taobao.com,true,LISTED,"))
      << csv;
}

TEST_F(RealData, AHistorySaysListedNotListedOrUnknownAndWhy) {
  const auto check = [](const json& statuses) {
    std::map<int, json> by_year;
    for (const json& s : statuses) by_year[s["year"].get<int>()] = s;
    EXPECT_EQ(by_year[2021]["status"], "LISTING_STATUS_LISTED");
    EXPECT_EQ(by_year[2022]["status"], "LISTING_STATUS_LISTED");
    EXPECT_EQ(by_year[2020]["status"], "LISTING_STATUS_NOT_LISTED");
    EXPECT_EQ(by_year[2020]["rule"], "STATUS_RULE_FIRST_LISTED_LATER");
    EXPECT_EQ(by_year[2020]["reason"],
              "a source reports it first listed in 2021");
    for (const int year : {2023, 2024, 2025}) {
      EXPECT_EQ(by_year[year]["status"], "LISTING_STATUS_UNKNOWN") << year;
      EXPECT_EQ(by_year[year]["rule"], "STATUS_RULE_LIST_INCOMPLETE");
    }
  };
  // REST: the history and the gateway's dossier.
  check(Get("/v1/markets/aliexpress:history")["reviewStatuses"]);
  check(Get("/v1/markets/aliexpress:dossier")["history"]["reviewStatuses"]);
  // gRPC, through nmlctl.
  const auto json_out = Nmlctl({"--json", "history", "aliexpress"});
  ASSERT_EQ(json_out.exit_status, 0) << json_out.err;
  check(json::parse(json_out.out)["reviewStatuses"]);
  const auto text = Nmlctl({"history", "aliexpress"});
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_TRUE(absl::StrContains(text.out, "listed: 2021-2022\n")) << text.out;
  EXPECT_TRUE(absl::StrContains(text.out, "unknown: 2023-2025\n")) << text.out;
  EXPECT_TRUE(absl::StrContains(
      text.out,
      "  2020  NOT LISTED  a source reports it first listed in "
      "2021\n"))
      << text.out;
}

TEST_F(RealData, StatsGiveDeclaredBesideLoadedAndOneAlibaba) {
  const json stats = Get("/v1/reviews/2021:stats");
  ASSERT_EQ(stats["byKind"].size(), 2u) << stats.dump();
  EXPECT_EQ(stats["byKind"][0]["key"], "MARKET_KIND_ONLINE");
  EXPECT_EQ(stats["byKind"][0]["count"], 42);
  EXPECT_EQ(stats["byKind"][0]["declaredCount"], 42);
  EXPECT_EQ(stats["byKind"][0]["completeness"], "COMPLETENESS_COMPLETE");
  EXPECT_EQ(stats["byKind"][1]["count"], 12);
  EXPECT_EQ(stats["byKind"][1]["declaredCount"], 35);
  EXPECT_EQ(stats["byKind"][1]["completeness"], "COMPLETENESS_INCOMPLETE");
  // "Alibaba Group" (2021) and "Alibaba Group Holding Ltd" (2025's Taobao
  // row) are one operator, running AliExpress and Taobao.
  int alibaba = 0;
  for (const json& c : stats["byOperator"]) {
    if (absl::StrContains(c["key"].get<std::string>(), "alibaba")) {
      EXPECT_EQ(c["key"], "operators/alibaba-group") << c.dump();
      alibaba += c["count"].get<int>();
    }
  }
  EXPECT_EQ(alibaba, 2) << stats["byOperator"].dump();
  const auto text = Nmlctl({"stats", "2021"});
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_TRUE(absl::StrContains(text.out, "physical: 12 loaded of 35 declared"))
      << text.out;
  EXPECT_TRUE(absl::StrContains(text.out, "Alibaba Group=2")) << text.out;
}

TEST_F(RealData, AnOperatorDeclaringAListCompleteSettlesItsUnknowns) {
  const auto status_of = [&](const std::string& input) {
    return Post("/v1/domains:screen",
                {{"items", {{{"input", input}}}},
                 {"options", {{"reviewYear", 2024}}}})["results"][0];
  };
  ASSERT_EQ(status_of("example.org")["status"], "LISTING_STATUS_UNKNOWN");
  const std::string since = Get("/v1/status")["dataVersion"];
  // review_counts.csv with a column for the declaration, set for 2024's
  // online list.
  std::string counts;
  for (const absl::string_view line :
       absl::StrSplit(ReadAll(NML_SOURCE_DIR "/data/review_counts.csv"), '\n',
                      absl::SkipEmpty())) {
    absl::StrAppend(&counts, line,
                    absl::StartsWith(line, "year,")
                        ? ",online_complete_source_url"
                    : absl::StartsWith(line, "2024,")
                        ? ",https://example.org/all-2024-online-markets-loaded"
                        : ",",
                    "\n");
  }
  std::ofstream(dir_.File("review_counts.csv")) << counts;
  std::ofstream(dir_.File("markets.csv"))
      << ReadAll(NML_SOURCE_DIR "/data/markets.csv");
  const auto imported = Nmlctl({"import", dir_.path()});
  ASSERT_EQ(imported.exit_status, 0) << imported.err << imported.out;

  const json now = status_of("example.org");
  EXPECT_EQ(now["status"], "LISTING_STATUS_NOT_LISTED");
  EXPECT_EQ(now["statusRule"], "STATUS_RULE_COMPLETE_LIST");
  EXPECT_EQ(now["onlineCompleteness"]["state"], "COMPLETENESS_COMPLETE");
  EXPECT_TRUE(absl::StrContains(now["statusReason"].get<std::string>(),
                                "declared complete by an operator "
                                "(https://example.org/all-2024-online-"
                                "markets-loaded)"))
      << now.dump();
  // The change feed records the declaration on the review.
  const json changes = Get("/v1/changes?sinceDataVersion=" + since);
  bool recorded = false;
  for (const json& c : changes["changes"]) {
    if (c["name"] == "reviews/2024" && c.contains("review")) {
      recorded = c["review"].value("onlineCompleteSourceUrl", "") ==
                 "https://example.org/all-2024-online-markets-loaded";
    }
  }
  EXPECT_TRUE(recorded) << changes.dump();
  // The export carries it, for the import to read back.
  const auto exported =
      Nmlctl({"export", "--review", "2024", dir_.File("out")});
  ASSERT_EQ(exported.exit_status, 0) << exported.err;
  EXPECT_TRUE(absl::StrContains(
      ReadAll(dir_.File("out") + "/review_counts.csv"),
      "https://example.org/all-2024-online-markets-loaded,,23,17,complete,"
      "incomplete\n"));
}

TEST_F(RealData, ResponsesCountForTheirMarketAndReview) {
  // AAFA on the 2021 review, from data/responses.csv.
  const json report = Get("/v1/reviews/2021:report");
  int welcomes_by_associations = 0;
  for (const auto& c : report["stances"]["counts"]) {
    if (c["stance"] == "STANCE_WELCOMES" &&
        c["stakeholderType"] == "STAKEHOLDER_TYPE_INDUSTRY_ASSOCIATION") {
      welcomes_by_associations = c["count"];
    }
  }
  EXPECT_EQ(welcomes_by_associations, 2) << "the RIAA and AAFA";
  std::set<std::string> on_2021;
  const json listed =
      Get("/v1/responses?filter=targets:%22reviews/2021%22&pageSize=100");
  for (const auto& r : listed["responses"])
    on_2021.insert(r["stakeholderDisplayName"].get<std::string>());
  EXPECT_TRUE(on_2021.contains("American Apparel & Footwear Association"))
      << json(on_2021).dump();

  // A response on AliExpress's 2021 listing counts for the market.
  const std::string on_listing =
      Respond("Listing Watchers", "reviews/2021/listings/aliexpress");
  std::set<std::string> who;
  const json dossier = Get("/v1/markets/aliexpress:dossier");
  for (const auto& r : dossier["responses"]["responses"])
    who.insert(r["stakeholderDisplayName"].get<std::string>());
  EXPECT_TRUE(who.contains("Listing Watchers")) << dossier.dump();
  EXPECT_TRUE(who.contains("Alibaba Group"));
  EXPECT_TRUE(
      who.contains("Ministry of Commerce of the People's Republic of China"));
  // exact_targets keeps to what was filed on the market itself.
  std::set<std::string> exact;
  const json exact_list =
      Get("/v1/responses?filter=targets:%22markets/aliexpress%22"
          "&exactTargets=true");
  for (const auto& r : exact_list["responses"])
    exact.insert(r["name"].get<std::string>());
  EXPECT_FALSE(exact.contains(on_listing));
  EXPECT_FALSE(exact.empty());
}

// Point-in-time screening (issue 14): the list in force on a day is the
// review published last by then, not the review of that year.
TEST_F(RealData, ScreeningAsOfADayUsesTheListPublishedByThen) {
  const auto screen = [&](const json& as_of) {
    return Post("/v1/domains:screen",
                {{"items", {{{"input", "https://www.aliexpress.com/item/1"}}}},
                 {"options", {{"asOf", as_of}}}})["results"][0];
  };
  // 2021's list was published on 2022-02-17: before it, 2020's was current.
  const json before = screen({{"year", 2022}, {"month", 2}, {"day", 1}});
  EXPECT_EQ(before["review"], "reviews/2020");
  EXPECT_EQ(before["reviewPublishedOn"],
            json({{"year", 2021}, {"month", 1}, {"day", 14}}));
  EXPECT_EQ(before["reviewState"], "REVIEW_STATE_DRAFT");
  EXPECT_TRUE(before["matches"].empty()) << before.dump();
  const json after = screen({{"year", 2022}, {"month", 2}, {"day", 18}});
  EXPECT_EQ(after["review"], "reviews/2021");
  EXPECT_EQ(after["reviewPublishedOn"],
            json({{"year", 2022}, {"month", 2}, {"day", 17}}));
  ASSERT_EQ(after["matches"].size(), 1u) << after.dump();
  EXPECT_EQ(after["matches"][0]["listing"], "reviews/2021/listings/aliexpress");
  // Before any review recorded here was published: said, per item.
  const json early = screen({{"year", 2009}, {"month", 1}, {"day", 1}});
  EXPECT_EQ(early["error"]["code"], 5) << early.dump();

  // A month is not a day; a year and a date together are refused.
  auto refused = client_->Post(
      "/v1/domains:screen",
      R"({"items":[{"input":"x.com"}],"options":{"asOf":{"year":2022,"month":2}}})",
      "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400) << refused->body;
  EXPECT_TRUE(absl::StrContains(refused->body, "options.as_of"))
      << refused->body;
  refused = client_->Post(
      "/v1/domains:screen",
      R"({"items":[{"input":"x.com"}],"options":{"reviewYear":2021,"asOf":{"year":2022,"month":2,"day":1}}})",
      "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400) << refused->body;

  const auto cli = Nmlctl(
      {"screen", "--as-of", "2022-02-18", "https://www.aliexpress.com/item/1"});
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  EXPECT_TRUE(absl::StrContains(
      cli.out,
      "LISTED reviews/2021/listings/aliexpress in reviews/2021 (DRAFT, "
      "published 2022-02-17)"))
      << cli.out;
}

// An auditor's question: what did screening answer then? A pinned data
// version answers as the data was, after a listing was deleted, on the
// REST side and with nmlctl; a version that cannot be rebuilt says so.
TEST_F(RealData, APinnedDataVersionReproducesAnEarlierAnswer) {
  const auto screen = [&](int64_t pinned) {
    json request = {{"items", {{{"input", "https://www.aliexpress.com/x"}}}},
                    {"options", {{"reviewYear", 2021}}}};
    if (pinned != 0) request["dataVersion"] = std::to_string(pinned);
    return Post("/v1/domains:screen", request);
  };
  const json then = screen(0);
  const int64_t version = std::stoll(then["dataVersion"].get<std::string>());
  ASSERT_EQ(then["results"][0]["matches"].size(), 1u) << then.dump();
  EXPECT_EQ(then["results"][0]["dataVersion"], then["dataVersion"])
      << "each result says its version";

  auto deleted = client_->Delete("/v1/reviews/2021/listings/aliexpress");
  ASSERT_TRUE(deleted);
  ASSERT_EQ(deleted->status, 200) << deleted->body;
  const json now = screen(0);
  EXPECT_TRUE(now["results"][0]["matches"].empty()) << now.dump();
  EXPECT_GT(std::stoll(now["dataVersion"].get<std::string>()), version);

  EXPECT_EQ(screen(version).dump(), then.dump()) << "the same answer";
  const auto cli = Nmlctl({"screen", "--year", "2021", "--data-version",
                           std::to_string(version), "aliexpress.com"});
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  EXPECT_TRUE(absl::StrContains(
      cli.out, "LISTED reviews/2021/listings/aliexpress in reviews/2021"))
      << cli.out;
  EXPECT_TRUE(absl::StrContains(
      cli.out, absl::StrCat("data version ", version, " (reproduce with")))
      << cli.out;

  auto ahead =
      client_->Post("/v1/domains:screen",
                    R"({"items":[{"input":"x.com"}],"dataVersion":"999999"})",
                    "application/json");
  ASSERT_TRUE(ahead);
  EXPECT_EQ(ahead->status, 400) << ahead->body;
  EXPECT_TRUE(absl::StrContains(ahead->body, "data_version")) << ahead->body;
}

// Bulk screening (issue 14): 100,000 inputs from a file through nmlctl,
// with progress, one result row per input, in order.
TEST_F(RealData, ScreeningAFileOfAHundredThousandUrls) {
  {
    std::ofstream urls(dir_.File("urls.txt"));
    urls << "# seller URLs\n";
    for (int i = 0; i < 100000; ++i) {
      urls << (i % 2 == 0 ? "https://www.aliexpress.com/item/"
                          : "https://shop.example.com/item/")
           << i << "\n";
    }
  }
  const auto result =
      Nmlctl({"screen", "--as-of", "2022-02-18", "--file",
              dir_.File("urls.txt"), "--output", dir_.File("results.csv")});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_TRUE(absl::StrContains(result.err, "screened 50000 of 100000\n"))
      << result.err;
  EXPECT_TRUE(absl::StrContains(result.err,
                                "screened 100000 of 100000 inputs, 50000 "
                                "listed"))
      << result.err;
  std::ifstream in(dir_.File("results.csv"));
  std::string header, first, second;
  std::getline(in, header);
  std::getline(in, first);
  std::getline(in, second);
  EXPECT_EQ(header,
            "input,host,listed,status,status_reason,listings,markets,rules,"
            "patterns,review,review_state,review_published_on,data_version,"
            "error");
  const std::string version = Get("/v1/status")["dataVersion"];
  EXPECT_EQ(first,
            "https://www.aliexpress.com/item/0,www.aliexpress.com,true,"
            "LISTED,listed: AliExpress (aliexpress.com) in the 2021 review,"
            "reviews/2021/listings/aliexpress,markets/aliexpress,"
            "HOST_AND_SUBDOMAINS,aliexpress.com,reviews/2021,DRAFT,"
            "2022-02-17," +
                version + ",");
  // 2021's online list is complete (42 of 42): "not listed" is a fact.
  EXPECT_EQ(second,
            "https://shop.example.com/item/1,shop.example.com,false,"
            "NOT_LISTED,not listed: the 2021 review's online list is "
            "complete (42 of 42 online markets loaded) without it,,,,,"
            "reviews/2021,DRAFT,2022-02-17," +
                version + ",");
  int rows = 2;
  for (std::string line; std::getline(in, line);) ++rows;
  EXPECT_EQ(rows, 100000);
}

// Exports (issue 14): 2021 exported, imported into an empty database and
// exported again gives the same files.
TEST_F(RealData, AnExportImportsBackUnchanged) {
  const std::string first = dir_.File("first");
  const auto exported = Nmlctl({"export", "--review", "2021", first});
  ASSERT_EQ(exported.exit_status, 0) << exported.err;
  const std::string markets = ReadAll(first + "/markets.csv");
  EXPECT_TRUE(absl::StartsWith(
      markets,
      "year,name,kind,country,city,operator,infringement,first_listed_year,"
      "domains,source_url,confidence\n"))
      << markets;
  EXPECT_TRUE(absl::StrContains(
      markets,
      "\n2021,AliExpress,online,CN,,Alibaba Group,counterfeiting,"
      "2021,aliexpress.com,"))
      << markets;
  int rows = -1;  // the header
  for (const char c : markets) rows += c == '\n' ? 1 : 0;
  EXPECT_EQ(rows, 54) << "42 online and 12 physical listings";

  const std::string responses = ReadAll(first + "/responses.csv");
  EXPECT_TRUE(absl::StartsWith(
      responses,
      "year,stakeholder,stakeholder_type,target_market,stance,paraphrase,date,"
      "source_url\n"))
      << responses;
  EXPECT_TRUE(absl::StrContains(
      responses,
      "2021,Ministry of Commerce of the People's Republic of China,government,"
      "\"AliExpress, WeChat e-commerce ecosystem, list overall\",opposes,"))
      << responses;

  // Into databases of their own: both services, the list first.
  nml::testing::TestDatabase empty, empty_responses;
  nml::testing::Subprocess other(
      NML_LISTINGS_BIN, {},
      {{"NML_DATABASE_URL", empty.url()}, {"NML_LISTEN", "127.0.0.1:0"}});
  const int port = other.WaitForListeningPort(30s);
  ASSERT_GT(port, 0) << other.Stderr();
  const std::string address = absl::StrCat("127.0.0.1:", port);
  nml::testing::Subprocess other_responses(
      NML_RESPONSES_BIN, {},
      {{"NML_DATABASE_URL", empty_responses.url()},
       {"NML_LISTEN", "127.0.0.1:0"},
       {"NML_LISTINGS_ADDR", address}});
  const int responses_port = other_responses.WaitForListeningPort(30s);
  ASSERT_GT(responses_port, 0) << other_responses.Stderr();
  const std::vector<std::string> to_other = {
      "--addr", address, "--responses-addr",
      absl::StrCat("127.0.0.1:", responses_port)};
  const auto on_other = [&](std::vector<std::string> args) {
    args.insert(args.begin(), to_other.begin(), to_other.end());
    return RunProcess(NML_NMLCTL_BIN, args, {}, 60s);
  };
  const auto imported = on_other({"import", first});
  ASSERT_EQ(imported.exit_status, 0) << imported.err;
  const auto imported_responses =
      on_other({"import-responses", first + "/responses.csv"});
  ASSERT_EQ(imported_responses.exit_status, 0) << imported_responses.err;
  const std::string second = dir_.File("second");
  const auto again = on_other({"export", "--review", "2021", second});
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_EQ(ReadAll(second + "/markets.csv"), markets);
  EXPECT_EQ(ReadAll(second + "/review_counts.csv"),
            ReadAll(first + "/review_counts.csv"));
  EXPECT_EQ(ReadAll(second + "/responses.csv"), responses);

  // NDJSON: one object a row, the same columns.
  const auto ndjson = Nmlctl({"export", "--review", "2021", "--format",
                              "ndjson", dir_.File("ndjson")});
  ASSERT_EQ(ndjson.exit_status, 0) << ndjson.err;
  std::ifstream lines(dir_.File("ndjson") + "/markets.ndjson");
  int objects = 0;
  for (std::string line; std::getline(lines, line); ++objects) {
    const json row = json::parse(line);
    EXPECT_EQ(row["year"], "2021");
  }
  EXPECT_EQ(objects, 54);
  // A review that is not there: refused, nothing left behind.
  const auto missing =
      Nmlctl({"export", "--review", "1999", dir_.File("missing")});
  EXPECT_EQ(missing.exit_status, 1);
  EXPECT_TRUE(absl::StrContains(missing.err, "reviews/1999 not found"))
      << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("missing") + "/markets.csv"));
  EXPECT_TRUE(absl::StrContains(exported.out, "data version ")) << exported.out;
}

// The export over REST (GET /v1/data:export): the same file as nmlctl's,
// sent chunked with its type, a file name and the data version; errors
// before the first chunk are ordinary JSON errors.
TEST_F(RealData, TheRestExportIsTheSameFileWithItsNameAndVersion) {
  const std::string dir = dir_.File("cli");
  ASSERT_EQ(Nmlctl({"export", dir}).exit_status, 0);
  ASSERT_EQ(Nmlctl({"export", "--format", "ndjson", dir}).exit_status, 0);
  const std::string markets = ReadAll(dir + "/markets.csv");
  const std::string ndjson = ReadAll(dir + "/markets.ndjson");
  ASSERT_GT(ndjson.size(), size_t{64 << 10}) << "more than one chunk";

  auto large = client_->Get(
      "/v1/"
      "data:export?table=EXPORT_TABLE_LISTINGS&format=EXPORT_FORMAT_NDJSON");
  ASSERT_TRUE(large);
  EXPECT_EQ(large->status, 200);
  EXPECT_TRUE(large->body == ndjson) << "the same bytes, in several chunks";

  auto all = client_->Get("/v1/data:export?table=EXPORT_TABLE_LISTINGS");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200) << all->body;
  EXPECT_EQ(all->body, markets);
  EXPECT_EQ(all->get_header_value("Content-Type"),
            "text/csv; charset=utf-8; header=present");
  EXPECT_EQ(all->get_header_value("Transfer-Encoding"), "chunked");
  EXPECT_EQ(all->get_header_value("Content-Disposition"),
            "attachment; filename=\"markets.csv\"");
  EXPECT_EQ(all->get_header_value("X-Data-Version"),
            Get("/v1/status")["dataVersion"].get<std::string>());

  auto one = client_->Get(
      "/v1/data:export?table=EXPORT_TABLE_REVIEWS&review=reviews/2021&"
      "format=EXPORT_FORMAT_NDJSON");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200) << one->body;
  EXPECT_EQ(one->get_header_value("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(one->get_header_value("Content-Disposition"),
            "attachment; filename=\"review_counts-2021.ndjson\"");
  const json row = json::parse(one->body, nullptr, false);
  ASSERT_FALSE(row.is_discarded()) << one->body;
  EXPECT_EQ(row["year"], "2021");
  EXPECT_EQ(row["online_count"], "42");

  // The responses, from nml-responses, the same way.
  auto responses = client_->Get("/v1/responses:export?reviewYear=2021");
  ASSERT_TRUE(responses);
  EXPECT_EQ(responses->status, 200) << responses->body;
  EXPECT_EQ(responses->get_header_value("Content-Disposition"),
            "attachment; filename=\"responses-2021.csv\"");
  const std::string dir2021 = dir_.File("cli2021");
  ASSERT_EQ(Nmlctl({"export", "--review", "2021", dir2021}).exit_status, 0);
  EXPECT_EQ(responses->body, ReadAll(dir2021 + "/responses.csv"));
  auto bad_year = client_->Get("/v1/responses:export?reviewYear=1");
  ASSERT_TRUE(bad_year);
  EXPECT_EQ(bad_year->status, 400) << bad_year->body;

  // Keep-alive goes on after a chunked answer.
  EXPECT_EQ(Get("/v1/status")["dataVersion"],
            all->get_header_value("X-Data-Version"));

  for (const auto& [query, status, says] :
       std::vector<std::tuple<std::string, int, std::string>>{
           {"", 400, "table"},
           {"table=EXPORT_TABLE_LISTINGS&review=reviews/1999", 404,
            "reviews/1999 not found"},
           {"table=EXPORT_TABLE_LISTINGS&review=../etc", 400, "review"},
           {"table=NOPE", 400, "table"},
           {"table=EXPORT_TABLE_LISTINGS&dataVersion=999999", 400,
            "data_version"}}) {
    auto refused = client_->Get(("/v1/data:export?" + query).c_str());
    ASSERT_TRUE(refused) << query;
    EXPECT_EQ(refused->status, status) << query << ": " << refused->body;
    EXPECT_EQ(refused->get_header_value("Content-Type"), "application/json")
        << query;
    EXPECT_TRUE(absl::StrContains(refused->body, says))
        << query << ": " << refused->body;
  }
}

// The change feed (issue 14): a follower that pages through the log and
// goes on from the version it reached misses nothing and sees each change
// once, in order.
TEST_F(RealData, AFollowerOfTheChangeFeedMissesNothing) {
  // Everything loaded so far, from the start of the log, in small pages.
  const auto follow = [&](int64_t since, std::vector<json>& seen) {
    std::string token;
    int64_t version = since;
    for (int pages = 0; pages < 1000; ++pages) {
      const json page = Get(
          absl::StrCat("/v1/changes?sinceDataVersion=", since, "&pageSize=7",
                       token.empty() ? "" : "&pageToken=", token));
      for (const auto& c : page["changes"]) seen.push_back(c);
      version = std::stoll(page["dataVersion"].get<std::string>());
      if (!page.contains("nextPageToken") || page["nextPageToken"] == "") break;
      token = page["nextPageToken"];
    }
    return version;
  };
  std::vector<json> loaded;
  const int64_t after_load = follow(0, loaded);
  int listings_written = 0;
  std::set<std::string> names;
  for (const auto& c : loaded) {
    if (c["kind"] == "CHANGE_KIND_WRITTEN" && c.contains("listing")) {
      ++listings_written;
      EXPECT_TRUE(names.insert(c["name"].get<std::string>()).second)
          << c["name"] << " twice";
    }
  }
  EXPECT_EQ(listings_written, 277) << "every listing of data/, once";
  EXPECT_EQ(
      json(after_load).dump(),
      json(std::stoll(Get("/v1/status")["dataVersion"].get<std::string>()))
          .dump());

  // An import and a merge after it: the follower goes on from its version.
  const auto imported = Nmlctl({"import", DataWith(kGoodRows)});
  ASSERT_EQ(imported.exit_status, 0) << imported.err;
  ASSERT_EQ(Nmlctl({"suggestions", "accept",
                    "saigon-square-trade-center~saigon-square"})
                .exit_status,
            0);
  std::vector<json> next;
  const int64_t after_merge = follow(after_load, next);
  EXPECT_GT(after_merge, after_load);
  std::vector<std::string> seen;
  int64_t previous = after_load;
  for (const auto& c : next) {
    const int64_t v = std::stoll(c["dataVersion"].get<std::string>());
    EXPECT_GE(v, previous) << "in order";
    EXPECT_GT(v, after_load) << "nothing from before";
    previous = v;
    seen.push_back(absl::StrCat(
        c["kind"].get<std::string>() == "CHANGE_KIND_DELETED" ? "deleted "
                                                              : "written ",
        c["name"].get<std::string>()));
  }
  for (const char* expected :
       {"written reviews/2018/listings/rarbg",
        "written reviews/2018/listings/ladies-market",
        "deleted reviews/2023/listings/saigon-square",
        "written reviews/2023/listings/saigon-square-trade-center",
        "written markets/saigon-square-trade-center",
        "deleted markets/saigon-square"}) {
    EXPECT_EQ(std::count(seen.begin(), seen.end(), expected), 1)
        << expected << " in " << json(seen).dump();
  }
  // The written resource comes with the change.
  for (const auto& c : next) {
    if (c["name"] == "markets/saigon-square-trade-center") {
      EXPECT_EQ(c["market"]["mergedMarkets"],
                json::array({"markets/saigon-square"}));
    }
  }
  // Nothing new: an empty page at the same version.
  std::vector<json> none;
  EXPECT_EQ(follow(after_merge, none), after_merge);
  EXPECT_TRUE(none.empty());

  const auto cli = Nmlctl({"changes", "--since", std::to_string(after_load)});
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  EXPECT_TRUE(absl::StrContains(cli.out, " deleted markets/saigon-square\n"))
      << cli.out;
  EXPECT_TRUE(absl::StrContains(
      cli.out, absl::StrCat("up to data version ", after_merge)))
      << cli.out;

  // A version the data has not reached: refused.
  auto ahead = client_->Get("/v1/changes?sinceDataVersion=999999");
  ASSERT_TRUE(ahead);
  EXPECT_EQ(ahead->status, 400) << ahead->body;
  auto negative = client_->Get("/v1/changes?sinceDataVersion=-1");
  ASSERT_TRUE(negative);
  EXPECT_EQ(negative->status, 400) << negative->body;
}

// The feed as a stream (nmlctl watch): a watcher started before an import
// gets every change of it once, in order, as it commits; a client that
// lost its stream (killed here) and comes back with the last version it
// printed gets the merge made meanwhile. Together: the log, exactly once.
TEST_F(RealData, AWatcherGetsEveryChangeOnceAndResumesFromItsVersion) {
  const auto version_now = [&] {
    return std::stoll(Get("/v1/status")["dataVersion"].get<std::string>());
  };
  const int64_t start = version_now();
  // Each change a watch printed (NDJSON, one message a line), and the
  // version of its last message.
  const auto changes_of = [](const std::string& out, int64_t& last) {
    std::vector<std::string> changes;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      const json message = json::parse(line, nullptr, false);
      if (message.is_discarded()) continue;  // a line being written
      last = std::stoll(message["dataVersion"].get<std::string>());
      if (!message.contains("changes")) continue;
      for (const auto& c : message["changes"]) {
        changes.push_back(absl::StrCat(c["dataVersion"].get<std::string>(), " ",
                                       c["kind"].get<std::string>(), " ",
                                       c["name"].get<std::string>()));
      }
    }
    return changes;
  };
  const auto watch_args = [&](int64_t since) {
    return std::vector<std::string>{"--addr",  system_.listings_address(),
                                    "--json",  "watch",
                                    "--since", std::to_string(since)};
  };

  nml::testing::Subprocess first(NML_NMLCTL_BIN, watch_args(start));
  for (int i = 0; i < 200 && !absl::StrContains(first.Stderr(), "caught up");
       ++i) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(absl::StrContains(first.Stderr(), "caught up")) << first.Stderr();

  const auto imported = Nmlctl({"import", DataWith(kGoodRows)});
  ASSERT_EQ(imported.exit_status, 0) << imported.err;
  const int64_t after_import = version_now();
  ASSERT_GT(after_import, start);
  int64_t last = start;
  std::vector<std::string> seen;
  for (int i = 0; i < 200 && last < after_import; ++i) {
    std::this_thread::sleep_for(50ms);
    seen = changes_of(first.Stdout(), last);
  }
  ASSERT_EQ(last, after_import) << "the watcher saw the import commit";
  first.Signal(SIGKILL);
  first.Wait(5s);
  seen = changes_of(first.Stdout(), last);

  // Meanwhile, a merge; the client comes back from its last version.
  ASSERT_EQ(Nmlctl({"suggestions", "accept",
                    "saigon-square-trade-center~saigon-square"})
                .exit_status,
            0);
  auto args = watch_args(last);
  args.push_back("--until-caught-up");
  const auto second = RunProcess(NML_NMLCTL_BIN, args, {}, 30s);
  ASSERT_EQ(second.exit_status, 0) << second.err;
  int64_t resumed_at = 0;
  for (std::string& c : changes_of(second.out, resumed_at)) {
    seen.push_back(std::move(c));
  }
  EXPECT_EQ(resumed_at, version_now());

  // What ListChanges has after `start`: the same changes, in the same
  // order, each once.
  std::vector<std::string> log;
  std::string token;
  for (int pages = 0; pages < 1000; ++pages) {
    const json page =
        Get(absl::StrCat("/v1/changes?pageSize=1000&sinceDataVersion=", start,
                         token.empty() ? "" : "&pageToken=", token));
    for (const auto& c : page["changes"]) {
      log.push_back(absl::StrCat(c["dataVersion"].get<std::string>(), " ",
                                 c["kind"].get<std::string>(), " ",
                                 c["name"].get<std::string>()));
    }
    if (!page.contains("nextPageToken") || page["nextPageToken"] == "") break;
    token = page["nextPageToken"];
  }
  EXPECT_EQ(seen, log);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size())
      << "each change once";
  for (const char* expected : {"written reviews/2018/listings/rarbg",
                               "deleted reviews/2023/listings/saigon-square",
                               "deleted markets/saigon-square"}) {
    EXPECT_EQ(std::count_if(seen.begin(), seen.end(),
                            [&](const std::string& c) {
                              return absl::StrContains(
                                  c,
                                  absl::StrReplaceAll(
                                      expected,
                                      {{"written ", "CHANGE_KIND_WRITTEN "},
                                       {"deleted ", "CHANGE_KIND_DELETED "}}));
                            }),
              1)
        << expected;
  }
}

// nml-responses has the same feed: a watcher sees a response filed through
// the gateway as it commits (woken by the database's notification); REST
// pages it at GET /v1/responses:changes.
TEST_F(RealData, TheResponsesFeedFollowsStakeholdersAndResponses) {
  const auto version_of = [&](const json& page) {
    return std::stoll(page["dataVersion"].get<std::string>());
  };
  const int64_t start =
      version_of(Get("/v1/responses:changes?sinceDataVersion=0&pageSize=1"));
  ASSERT_GT(start, 0) << "data/ loaded";
  nml::testing::Subprocess watcher(
      NML_NMLCTL_BIN, {"--responses-addr", system_.responses_address(), "watch",
                       "--responses", "--since", std::to_string(start)});
  for (int i = 0; i < 200 && !absl::StrContains(watcher.Stderr(), "caught up");
       ++i) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(absl::StrContains(watcher.Stderr(), "caught up"))
      << watcher.Stderr();

  const std::string name = Respond("Feed Test Operator", "markets/aliexpress");
  const std::string line = absl::StrCat(" written ", name, "\n");
  for (int i = 0; i < 100 && !absl::StrContains(watcher.Stdout(), line); ++i) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(absl::StrContains(watcher.Stdout(), line)) << watcher.Stdout();
  EXPECT_TRUE(absl::StrContains(watcher.Stdout(), " written stakeholders/"))
      << "the stakeholder created first";

  const json page =
      Get(absl::StrCat("/v1/responses:changes?sinceDataVersion=", start));
  ASSERT_EQ(page["changes"].size(), 2u) << page.dump();
  EXPECT_EQ(page["changes"][0]["stakeholder"]["displayName"],
            "Feed Test Operator");
  EXPECT_EQ(page["changes"][1]["name"], name);
  EXPECT_EQ(page["changes"][1]["response"]["summary"], "Test response.");
  EXPECT_EQ(version_of(page), start + 2);

  const auto cli =
      RunProcess(NML_NMLCTL_BIN,
                 {"--responses-addr", system_.responses_address(), "changes",
                  "--responses", "--since", std::to_string(start)});
  ASSERT_EQ(cli.exit_status, 0) << cli.err;
  EXPECT_TRUE(absl::StrContains(cli.out, line)) << cli.out;

  auto ahead = client_->Get("/v1/responses:changes?sinceDataVersion=999999");
  ASSERT_TRUE(ahead);
  EXPECT_EQ(ahead->status, 400) << ahead->body;
}

}  // namespace
}  // namespace nml
