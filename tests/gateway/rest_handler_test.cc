// The gateway's REST front in process, on fake backends (tests/fakes/
// backends.h): no HTTP socket, no service binaries, no database. What a REST
// client sees of conditional requests, composed reads with a backend down,
// CORS and the mapping of errors.
#include "services/gateway/rest_handler.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "services/gateway/composer.h"
#include "services/gateway/routes.h"
#include "tests/fakes/backends.h"

namespace nml::gateway {
namespace {

using nlohmann::json;

constexpr char kAllowedOrigin[] = "https://analyst.example";

std::string Header(const RestReply& reply, const std::string& name) {
  for (const auto& [key, value] : reply.headers) {
    if (key == name) return value;
  }
  return "";
}

class RestFront : public ::testing::Test {
 protected:
  RestFront() {
    const auto* pool = google::protobuf::DescriptorPool::generated_pool();
    auto routes = RouteTable::FromServices(
        {pool->FindServiceByName("nml.listings.v1.ListingsService"),
         pool->FindServiceByName("nml.responses.v1.ResponsesService"),
         pool->FindServiceByName("nml.gateway.v1.GatewayService")});
    EXPECT_TRUE(routes.ok()) << routes.status();
    composer_ =
        std::make_unique<Composer>(backends_.channel(), backends_.channel());
    RestHandler::Options options;
    options.cors_origins = {kAllowedOrigin};
    handler_ = std::make_unique<RestHandler>(
        options, std::move(*routes),
        std::map<std::string, std::shared_ptr<grpc::Channel>>{
            {"nml.listings.v1.ListingsService", backends_.channel()},
            {"nml.responses.v1.ResponsesService", backends_.channel()}},
        composer_.get(), nullptr, nullptr);
  }

  // As the gateway's shutdown does: the handler outlives every call it
  // counts, which it uncounts just after handing the answer over.
  ~RestFront() override {
    for (int i = 0; i < 400 && handler_->in_flight() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  RestReply Call(std::string method, std::string target, std::string body = "",
                 std::map<std::string, std::string> headers = {}) {
    RestRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    request.headers = std::move(headers);
    std::promise<RestReply> answered;
    handler_->Handle(std::move(request), [&answered](RestReply reply) {
      answered.set_value(std::move(reply));
    });
    auto future = answered.get_future();
    EXPECT_EQ(future.wait_for(std::chrono::seconds(10)),
              std::future_status::ready);
    return future.get();
  }

  testing::FakeBackends backends_;
  std::unique_ptr<Composer> composer_;
  std::unique_ptr<RestHandler> handler_;
};

TEST_F(RestFront, AGetCarriesTheEtagAndAMatchingIfNoneMatchIs304) {
  const RestReply first = Call("GET", "/v1/markets/aliexpress");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Header(first, "ETag"), "\"7\"");
  EXPECT_EQ(json::parse(first.body)["market"]["displayName"], "AliExpress");

  const RestReply again =
      Call("GET", "/v1/markets/aliexpress", "", {{"if-none-match", "\"7\""}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Header(again, "ETag"), "\"7\"");
}

TEST_F(RestFront, AStaleIfMatchIs412AndAFreshOneWrites) {
  const std::string body = R"j({"displayName":"AliExpress (renamed)"})j";
  const RestReply stale =
      Call("PATCH", "/v1/markets/aliexpress?updateMask=displayName", body,
           {{"if-match", "\"3\""}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  // ABORTED with the etag reason (AIP-154), in HTTP's own terms 412.
  EXPECT_EQ(json::parse(stale.body)["error"]["status"], "ABORTED");

  const RestReply fresh =
      Call("PATCH", "/v1/markets/aliexpress?updateMask=displayName", body,
           {{"if-match", "\"7\""}});
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(json::parse(fresh.body)["market"]["displayName"],
            "AliExpress (renamed)");
}

TEST_F(RestFront, ADossierWithResponsesDownSaysWhichSectionsAreMissing) {
  backends_.responses_down = true;
  const RestReply reply = Call("GET", "/v1/markets/aliexpress:dossier");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json dossier = json::parse(reply.body);
  EXPECT_EQ(dossier["history"]["market"]["name"], "markets/aliexpress");
  std::map<std::string, bool> available;
  for (const auto& section : dossier["sections"]) {
    available[section["section"]] = section.value("available", false);
  }
  EXPECT_EQ(available,
            (std::map<std::string, bool>{
                {"history", true}, {"responses", false}, {"stances", false}}));
  EXPECT_FALSE(dossier.contains("responses"));
}

TEST_F(RestFront, ADossierPassesTheMarketsOtherNamesSoResponsesNeedNotAsk) {
  const RestReply reply = Call("GET", "/v1/markets/aliexpress:dossier");
  ASSERT_EQ(reply.status, 200) << reply.body;
  // From the history leg; nml-responses would otherwise ask nml-listings
  // for them, once per leg.
  EXPECT_EQ(backends_.last_list_aliases(), "markets/ali-express");
  EXPECT_EQ(backends_.last_stances_aliases(), "markets/ali-express");
  // A merged-away name's dossier: its survivor is its other name.
  const RestReply old = Call("GET", "/v1/markets/ali-express:dossier");
  ASSERT_EQ(old.status, 200) << old.body;
  EXPECT_EQ(backends_.last_list_aliases(), "markets/aliexpress");
  EXPECT_EQ(backends_.last_stances_aliases(), "markets/aliexpress");
}

TEST_F(RestFront, ADossierOfAnUnknownMarketIs404AndAsksNoMore) {
  const int before = backends_.calls;
  const RestReply reply = Call("GET", "/v1/markets/nowhere:dossier");
  EXPECT_EQ(reply.status, 404) << reply.body;
  EXPECT_EQ(json::parse(reply.body)["error"]["status"], "NOT_FOUND");
  EXPECT_EQ(backends_.calls, before + 1) << "the history only";
}

TEST_F(RestFront, CorsHeadersGoToAnAllowedOriginOnly) {
  const RestReply allowed =
      Call("GET", "/v1/markets/aliexpress", "", {{"origin", kAllowedOrigin}});
  EXPECT_EQ(Header(allowed, "Access-Control-Allow-Origin"), kAllowedOrigin);
  EXPECT_EQ(Header(allowed, "Vary"), "Origin");

  const RestReply other = Call("GET", "/v1/markets/aliexpress", "",
                               {{"origin", "https://elsewhere.example"}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(Header(other, "Access-Control-Allow-Origin"), "");

  const RestReply preflight = Call("OPTIONS", "/v1/markets/aliexpress", "",
                                   {{"origin", kAllowedOrigin}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_NE(Header(preflight, "Access-Control-Allow-Methods").find("PATCH"),
            std::string::npos);
  EXPECT_NE(Header(preflight, "Access-Control-Allow-Headers").find("if-match"),
            std::string::npos);
}

TEST_F(RestFront, ErrorsMapToHttpWithAJsonBodyAndBadInputNeverReachesABackend) {
  const int before = backends_.calls;
  const RestReply bad_json =
      Call("PATCH", "/v1/markets/aliexpress?updateMask=displayName",
           R"({"displayName":)");
  EXPECT_EQ(bad_json.status, 400) << bad_json.body;
  EXPECT_EQ(json::parse(bad_json.body)["error"]["status"], "INVALID_ARGUMENT");
  const RestReply unknown_field =
      Call("PATCH", "/v1/markets/aliexpress?updateMask=displayName",
           R"({"nickname":"x"})");
  EXPECT_EQ(unknown_field.status, 400) << unknown_field.body;
  EXPECT_EQ(backends_.calls, before);

  EXPECT_EQ(Call("GET", "/v1/markets/nowhere").status, 404);
  EXPECT_EQ(Call("GET", "/v1/no/such/route").status, 404);
  const RestReply wrong_method = Call("POST", "/healthz");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(Header(wrong_method, "Allow"), "GET");

  backends_.listings_down = true;
  const RestReply down = Call("GET", "/v1/markets/aliexpress");
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(json::parse(down.body)["error"]["status"], "UNAVAILABLE");
  EXPECT_FALSE(Header(down, "X-Request-Id").empty());
}

TEST_F(RestFront, OpsEndpointsAnswerWithoutAuthorization) {
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  const RestReply ready = Call("GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(json::parse(ready.body)["backends"].size(), 2u);
  const RestReply metrics = Call("GET", "/metrics");
  EXPECT_NE(metrics.body.find("nml_http"), std::string::npos);
  EXPECT_EQ(json::parse(Call("GET", "/openapi.json").body)["openapi"], "3.0.3");
}

}  // namespace
}  // namespace nml::gateway
