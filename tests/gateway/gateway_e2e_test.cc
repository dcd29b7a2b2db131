// nml-gateway in front of real nml-listings and nml-responses, called over
// plain HTTP with a real client.
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <re2/re2.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/topology.h"

namespace nml::gateway {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using nml::testing::RunProcess;
using nml::testing::TempDir;

class Gateway : public ::testing::Test {
 protected:
  void Start(const std::string& listings_delay = "0",
             const std::string& responses_delay = "0", bool load_data = true) {
    nml::testing::TopologyOptions options;
    options.listings_env = {{"NML_INJECT_DELAY_MS", listings_delay}};
    options.responses_env = {{"NML_INJECT_DELAY_MS", responses_delay}};
    options.gateway_env = {{"NML_BACKEND_TIMEOUT_MS", "3000"}};
    ASSERT_NO_FATAL_FAILURE(system_.Start(options));
    http_port_ = system_.http_port();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", http_port_);
    client_->set_read_timeout(30, 0);
    if (load_data) {
      ASSERT_NO_FATAL_FAILURE(system_.LoadData());
    }
  }

  std::pair<int, json> Get(const std::string& path,
                           const httplib::Headers& headers = {}) {
    auto result = client_->Get(path.c_str(), headers);
    if (!result) return {0, json()};
    return {result->status, json::parse(result->body, nullptr, false)};
  }

  std::pair<int, json> Post(const std::string& path, const std::string& body) {
    auto result = client_->Post(path.c_str(), body, "application/json");
    if (!result) return {0, json()};
    return {result->status, json::parse(result->body, nullptr, false)};
  }

  nml::testing::Topology system_;
  int http_port_ = 0;
  std::unique_ptr<httplib::Client> client_;
};

std::map<std::string, bool> Sections(const json& answer) {
  std::map<std::string, bool> sections;
  for (const auto& s : answer["sections"])
    sections[s["section"]] = s["available"];
  return sections;
}

TEST_F(Gateway, The2021ReportAndAliExpressDossierOverHttp) {
  Start();
  const auto [status, report] = Get("/v1/reviews/2021:report");
  ASSERT_EQ(status, 200) << report.dump();
  EXPECT_EQ(report["stats"]["review"]["onlineCount"], 42);
  EXPECT_EQ(report["stats"]["review"]["declaredPhysicalCount"], 35);
  EXPECT_EQ(report["diff"]["baseYear"], 2020);
  bool aliexpress_added = false;
  for (const auto& c : report["diff"]["changes"]) {
    if (c["market"] == "markets/aliexpress")
      aliexpress_added = c["change"] == "CHANGE_TYPE_ADDED";
  }
  EXPECT_TRUE(aliexpress_added);
  EXPECT_EQ(report["stances"]["total"], 12);
  for (const auto& [name, available] : Sections(report))
    EXPECT_TRUE(available) << name;

  const auto [dossier_status, dossier] = Get("/v1/markets/aliexpress:dossier");
  ASSERT_EQ(dossier_status, 200) << dossier.dump();
  EXPECT_EQ(dossier["history"]["yearsListed"], json::array({2021, 2022}));
  std::set<std::string> who;
  for (const auto& r : dossier["responses"]["responses"])
    who.insert(r["stakeholderDisplayName"]);
  EXPECT_TRUE(who.contains("Alibaba Group"));
  EXPECT_TRUE(
      who.contains("Ministry of Commerce of the People's Republic of China"));
  EXPECT_GE(dossier["stances"]["total"], 3);

  EXPECT_EQ(Get("/v1/markets/no-such-market:dossier").first, 404);
}

TEST_F(Gateway, WithResponsesDownTheDossierStillAnswersAndReadyzSaysNo) {
  Start();
  system_.responses().Signal(SIGTERM);
  ASSERT_TRUE(system_.responses().Wait(15s).has_value());
  const auto started = std::chrono::steady_clock::now();
  const auto [status, dossier] = Get("/v1/markets/aliexpress:dossier");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3500ms);
  ASSERT_EQ(status, 200) << dossier.dump();
  auto sections = Sections(dossier);
  EXPECT_TRUE(sections["history"]);
  EXPECT_FALSE(sections["responses"]);
  EXPECT_FALSE(sections["stances"]);
  EXPECT_FALSE(dossier.contains("responses") &&
               !dossier["responses"].is_null() &&
               !dossier["responses"].empty());
  EXPECT_EQ(Get("/v1/responses").first, 503);
  EXPECT_EQ(Get("/readyz").first, 503);
  EXPECT_EQ(Get("/healthz").first, 200);
}

TEST_F(Gateway, AComposedCallTakesAboutTheSlowerLegNotTheSum) {
  Start("700", "700", /*load_data=*/false);
  const auto [created, review] =
      Post("/v1/reviews?reviewId=2021", R"({"title":"2021 Review"})");
  ASSERT_EQ(created, 200) << review.dump();
  const auto started = std::chrono::steady_clock::now();
  const auto [status, report] = Get("/v1/reviews/2021:report");
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(status, 200) << report.dump();
  auto sections = Sections(report);
  EXPECT_TRUE(sections["review"]);
  EXPECT_TRUE(sections["stats"]);
  EXPECT_TRUE(sections["stances"]);
  EXPECT_FALSE(sections["diff"]) << "there is no 2020 review to diff against";
  // Four legs of 700 ms each: about 700 ms in parallel, 2800 ms in a row.
  EXPECT_GE(took, 700ms);
  EXPECT_LT(took, 1600ms)
      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
}

TEST_F(Gateway, JsonIsStrictAndCodesMapToHttp) {
  Start();
  auto expect_400 = [this](const std::string& path, const std::string& body,
                           const std::string& says) {
    const auto [status, error] = body.empty() ? Get(path) : Post(path, body);
    EXPECT_EQ(status, 400) << path << " " << body;
    EXPECT_EQ(error["error"]["status"], "INVALID_ARGUMENT");
    EXPECT_TRUE(
        absl::StrContains(error["error"]["message"].get<std::string>(), says))
        << error.dump();
  };
  expect_400("/v1/domains:screen",
             R"({"items":[{"input":"x.com"}],"colour":"red"})", "colour");
  expect_400("/v1/reviews/2021/listings?colour=red", "", "colour");
  expect_400("/v1/domains:screen", R"({"items":[{"input":"x.com"})",
             "request body");
  expect_400("/v1/domains:screen", R"({"items":"x.com"})", "items");
  expect_400("/v1/reviews:diff?baseYear=last&targetYear=2021", "", "baseYear");
  expect_400("/v1/reviews/2021/listings?filter=year%3D%3D", "", "filter");

  EXPECT_EQ(Get("/v1/reviews/1999").first, 404);
  EXPECT_EQ(Get("/v1/markets/aliexpress").first, 200);
  const auto [not_found, error] = Get("/v1/markets/atlantis");
  EXPECT_EQ(not_found, 404);
  EXPECT_EQ(error["error"]["message"], "markets/atlantis not found");
  EXPECT_EQ(Post("/v1/reviews:import", R"({"review":{"year":2021}})").first,
            400);
  auto deleted = client_->Delete("/v1/status");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 405);
  EXPECT_EQ(Get("/no/such/thing").first, 404);

  const auto [created, body] = Post(
      "/v1/responses",
      R"({"stakeholder":"stakeholders/tencent","reviewYear":2021,)"
      R"("targets":["markets/wechat-weixin-e-commerce-ecosystem"],"stance":"STANCE_ACKNOWLEDGES",)"
      R"("summary":"Noted the listing.","sourceUrl":"https://example.org/t"})");
  EXPECT_EQ(created, 200) << body.dump();
  EXPECT_TRUE(absl::StartsWith(body["response"]["name"].get<std::string>(),
                               "responses/"));
}

TEST_F(Gateway, TheOpenApiDocumentListsEveryRoute) {
  Start("0", "0", /*load_data=*/false);
  const auto [status, doc] = Get("/openapi.json");
  ASSERT_EQ(status, 200);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["openapi"], "3.0.3");
  std::set<std::string> operations;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [verb, op] : methods.items())
      operations.insert(op["operationId"]);
  }
  // Every routed RPC of the three services, ExportData (a file) among them.
  EXPECT_EQ(operations.size(), 53u);
  for (const char* op :
       {"ListingsService_ScreenDomains", "ResponsesService_ImportResponses",
        "GatewayService_GetMarketDossier", "ListingsService_UpdateMarket"}) {
    EXPECT_TRUE(operations.contains(op)) << op;
  }
  EXPECT_TRUE(doc["paths"].contains("/v1/reviews/{review}/listings/{listing}"));
  EXPECT_TRUE(doc["components"]["schemas"].contains("nml.listings.v1.Market"));
}

// What a user of another language does with /openapi.json: validate it
// (@apidevtools/swagger-parser), generate a typed client from it
// (openapi-typescript), compile the README's REST examples against that
// client (tsc, strict) and run them (openapi-fetch), a create with its
// reviewId and requestId included.
TEST_F(Gateway, AClientGeneratedFromTheOpenApiDocumentRunsTheReadmeExamples) {
  Start();
  auto doc = client_->Get("/openapi.json");
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->status, 200);
  TempDir dir("nml-openapi-client");
  std::ofstream(dir.File("openapi.json")) << doc->body;

  const auto valid =
      RunProcess("/usr/bin/env",
                 {"node", NML_SOURCE_DIR "/tests/gateway/validate_openapi.mjs",
                  dir.File("openapi.json")},
                 {}, 60s);
  ASSERT_EQ(valid.exit_status, 0) << valid.err;
  EXPECT_THAT(valid.out, ::testing::HasSubstr("valid: OpenAPI 3.0.3, 53"));

  // The example's own layout (client.mts next to the generated
  // nml-api.d.ts), in a copy so the checkout stays clean.
  for (const char* file : {"client.mts", "tsconfig.json"}) {
    std::filesystem::copy_file(
        absl::StrCat(NML_SOURCE_DIR "/examples/typescript/", file),
        dir.File(file));
  }
  std::filesystem::create_directory_symlink(NML_SOURCE_DIR "/node_modules",
                                            dir.File("node_modules"));
  const std::string bin = NML_SOURCE_DIR "/node_modules/.bin/";
  const auto generated = RunProcess(
      bin + "openapi-typescript",
      {dir.File("openapi.json"), "-o", dir.File("nml-api.d.ts")}, {}, 120s);
  ASSERT_EQ(generated.exit_status, 0) << generated.out << generated.err;
  const auto compiled = RunProcess(bin + "tsc", {"-p", dir.path()}, {}, 180s);
  ASSERT_EQ(compiled.exit_status, 0) << compiled.out << compiled.err;
  const auto ran =
      RunProcess("/usr/bin/env",
                 {"node", dir.File("dist/client.mjs"),
                  absl::StrCat("http://127.0.0.1:", http_port_), "2030"},
                 {}, 60s);
  ASSERT_EQ(ran.exit_status, 0) << ran.out << ran.err;
  const json seen = json::parse(ran.out, nullptr, false);
  ASSERT_TRUE(seen.is_object()) << ran.out;
  EXPECT_EQ(seen["reportOnline"], 42);
  EXPECT_EQ(seen["dossierMarket"], "markets/aliexpress");
  EXPECT_THAT(seen["dossierStakeholders"].dump(),
              ::testing::HasSubstr("stakeholders/alibaba-group"));
  EXPECT_THAT(seen["firstTime"].dump(),
              ::testing::HasSubstr("reviews/2021/listings/aliexpress"));
  // Against the latest review, 2025, which lists Baidu Wangpan.
  EXPECT_EQ(seen["screened"], json({"reviews/2025/listings/baidu-wangpan"}));
  EXPECT_GE(seen["responses"], 2);
  EXPECT_EQ(seen["created"], "reviews/2030");
  EXPECT_EQ(seen["retriedSame"], true);
  EXPECT_EQ(seen["updatedDeclared"], json({40, 30}));
  EXPECT_EQ(seen["missingStatus"], 404);
  EXPECT_EQ(seen["missingError"], "NOT_FOUND");
}

TEST_F(Gateway, RequestIdsAreMadeWhenAbsentAndPassedThrough) {
  Start();
  auto made = client_->Get("/v1/reviews/2021");
  ASSERT_TRUE(made);
  EXPECT_EQ(made->get_header_value("x-request-id").size(), 16u);
  auto given =
      client_->Get("/v1/reviews/2021", {{"x-request-id", "trace-me-42"}});
  ASSERT_TRUE(given);
  EXPECT_EQ(given->get_header_value("x-request-id"), "trace-me-42");
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(
      absl::StrContains(system_.listings().Stderr(), "request_id=trace-me-42"));
  const auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_TRUE(absl::StrContains(
      metrics->body,
      "nml_http_requests_total{method=\"GET /v1/{name=reviews/*}\","
      "code=\"200\"} 2"));
}

}  // namespace
}  // namespace nml::gateway
