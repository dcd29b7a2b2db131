// The route table comes from the contracts' standard google.api.http
// annotations, and requests are built from HTTP by their mapping rules.
#include "services/gateway/routes.h"

#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/api/annotations.pb.h"
#include "nml/gateway/v1/gateway_service.pb.h"
#include "nml/listings/v1/listings_service.pb.h"
#include "nml/responses/v1/responses_service.pb.h"
#include "services/gateway/composer.h"
#include "services/gateway/openapi.h"

namespace nml::gateway {
namespace {

const char* const kServices[] = {"nml.listings.v1.ListingsService",
                                 "nml.responses.v1.ResponsesService",
                                 "nml.gateway.v1.GatewayService"};

RouteTable Table() {
  // Naming a message of each file links its descriptors in.
  const std::vector<const google::protobuf::ServiceDescriptor*> services = {
      listings::v1::GetReviewRequest::descriptor()->file()->service(0),
      responses::v1::GetResponseRequest::descriptor()->file()->service(0),
      v1::GetMarketDossierRequest::descriptor()->file()->service(0)};
  auto table = RouteTable::FromServices(services);
  EXPECT_TRUE(table.ok()) << table.status();
  return *table;
}

TEST(Routes, EveryPublicRpcHasExactlyOneStandardRoute) {
  const RouteTable table = Table();
  std::map<std::string, int> routes_of;
  for (const Route& route : table.routes()) ++routes_of[route.grpc_path];
  int rpcs = 0;
  for (const char* name : kServices) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      // A client-streaming RPC has no REST form (a body is one message):
      // ImportReviewStream, the large-import twin of ImportReview. Nor has
      // a server stream of messages (WatchChanges); a server stream of a
      // file (ExportData, google.api.HttpBody) has: the file, chunked.
      const bool file =
          method->server_streaming() &&
          method->output_type()->full_name() == "google.api.HttpBody";
      if (method->client_streaming() || (method->server_streaming() && !file)) {
        EXPECT_FALSE(method->options().HasExtension(google::api::http))
            << method->full_name();
        EXPECT_EQ(routes_of[absl::StrCat("/", name, "/", method->name())], 0)
            << method->full_name();
        continue;
      }
      ++rpcs;
      EXPECT_TRUE(method->options().HasExtension(google::api::http))
          << method->full_name() << " has no google.api.http";
      EXPECT_EQ(routes_of[absl::StrCat("/", name, "/", method->name())], 1)
          << method->full_name();
    }
  }
  EXPECT_EQ(rpcs, 53);
  EXPECT_EQ(table.routes().size(), 53u);
}

TEST(Routes, PathsMapToTheirRpcsAndBindFields) {
  const RouteTable table = Table();
  struct Case {
    const char* method;
    const char* path;
    const char* rpc;
  };
  for (const Case& c : std::vector<Case>{
           {"GET", "/v1/reviews/2021", "GetReview"},
           {"GET", "/v1/reviews", "ListReviews"},
           {"POST", "/v1/reviews", "CreateReview"},
           {"PATCH", "/v1/reviews/2021", "UpdateReview"},
           {"DELETE", "/v1/markets/taobao", "DeleteMarket"},
           {"GET", "/v1/reviews/2021/listings/aliexpress", "GetListing"},
           {"POST", "/v1/domains:screen", "ScreenDomains"},
           {"GET", "/v1/markets/aliexpress:dossier", "GetMarketDossier"},
           {"GET", "/v1/reviews/2021:report", "GetReviewReport"},
           {"POST", "/v1/responses/abc:undelete", "UndeleteResponse"},
           {"GET", "/v1/markets/silk%20market", "GetMarket"}}) {
    auto match = table.Find(c.method, c.path);
    ASSERT_TRUE(match.ok())
        << c.method << " " << c.path << ": " << match.status();
    EXPECT_EQ(match->route->method->name(), c.rpc) << c.path;
  }
  auto listing = table.Find("GET", "/v1/reviews/2021/listings/aliexpress");
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->bindings.size(), 1u);
  EXPECT_EQ(listing->bindings[0].first, "name");
  EXPECT_EQ(listing->bindings[0].second, "reviews/2021/listings/aliexpress");
  EXPECT_EQ(table.Find("PUT", "/v1/reviews/2021").status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(table.Find("GET", "/v2/reviews").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(table.Find("GET", "/v1/reviews/%FF").status().code(),
            absl::StatusCode::kInvalidArgument);
  const auto allowed = table.AllowedMethods("/v1/reviews/2021");
  EXPECT_EQ(allowed, (std::vector<std::string>{"DELETE", "GET", "PATCH"}));
}

TEST(Routes, RequestsAreBuiltStrictlyAndPatchMasksAreInferred) {
  const RouteTable table = Table();
  auto patch = table.Find("PATCH", "/v1/markets/taobao");
  ASSERT_TRUE(patch.ok());
  listings::v1::UpdateMarketRequest update;
  ASSERT_TRUE(BuildRequest(*patch, {},
                           R"({"displayName":"Taobao","domains":[]})", update)
                  .ok());
  EXPECT_EQ(update.market().name(), "markets/taobao");
  EXPECT_EQ(update.update_mask().paths_size(), 2);
  EXPECT_EQ(update.update_mask().paths(0), "display_name");

  listings::v1::UpdateMarketRequest masked;
  ASSERT_TRUE(BuildRequest(*patch, {{"updateMask", "countryCode,displayName"}},
                           R"({"displayName":"Taobao"})", masked)
                  .ok());
  EXPECT_EQ(masked.update_mask().paths(0), "country_code");

  // A resource read and PATCHed back whole updates what was edited: its
  // name, etag and output-only fields are not inferred into the mask.
  listings::v1::UpdateMarketRequest round_trip;
  ASSERT_TRUE(BuildRequest(*patch, {},
                           R"({"name":"markets/taobao","etag":"\"7\"",)"
                           R"("createTime":"2022-02-17T00:00:00Z",)"
                           R"("displayName":"Taobao"})",
                           round_trip)
                  .ok());
  ASSERT_EQ(round_trip.update_mask().paths_size(), 1);
  EXPECT_EQ(round_trip.update_mask().paths(0), "display_name");
  EXPECT_EQ(round_trip.market().etag(), "\"7\"");

  auto screen = table.Find("POST", "/v1/domains:screen");
  ASSERT_TRUE(screen.ok());
  for (const char* body : {R"({"items":[[[]]]})", R"({"items":[{"input":1}]})",
                           R"({"items":[{"options":{"reviewYear":{}}}]})",
                           "{\"items\":\"\xFF\"}"}) {
    listings::v1::ScreenDomainsRequest request;
    const absl::Status status = BuildRequest(*screen, {}, body, request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << body;
  }
  listings::v1::ScreenDomainsRequest request;
  EXPECT_TRUE(absl::StrContains(
      BuildRequest(*screen, {}, R"({"items":[{"input":1}]})", request)
          .message(),
      "items[0].input"));

  auto create = table.Find("POST", "/v1/reviews");
  ASSERT_TRUE(create.ok());
  listings::v1::CreateReviewRequest review;
  ASSERT_TRUE(BuildRequest(*create, {{"reviewId", "2021"}, {"requestId", "r1"}},
                           R"({"title":"x"})", review)
                  .ok());
  EXPECT_EQ(review.review_id(), 2021);
  EXPECT_EQ(review.request_id(), "r1");
  EXPECT_EQ(BuildRequest(*create, {{"reviewId", "2021"}, {"reviewId", "2022"}},
                         "{}", review)
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Routes, QueryStringsAreDecodedAndCheckedForUtf8) {
  auto params = ParseQuery("filter=a%20b+c&pageSize=5&empty=");
  ASSERT_TRUE(params.ok());
  ASSERT_EQ(params->size(), 3u);
  EXPECT_EQ((*params)[0].second, "a b c");
  EXPECT_FALSE(ParseQuery("filter=%FF").ok());
  EXPECT_FALSE(ParseQuery("%C3=1").ok());
  EXPECT_FALSE(ParseQuery("filter=%G1").ok());
  EXPECT_EQ(ParseQuery("filter=a%00b").status().message(),
            "query parameter 'filter': its value contains a NUL");
  EXPECT_EQ(ParseQuery("filter=%FF").status().message(),
            "query parameter 'filter': its value is not valid UTF-8");
}

TEST(OpenApi, CreatesCarryTheirIdsAndFieldsTheirBehaviour) {
  const nlohmann::json doc = OpenApiDocument(Table());
  std::set<std::string> params;
  for (const auto& p : doc["paths"]["/v1/reviews"]["post"]["parameters"])
    params.insert(p["name"].get<std::string>());
  EXPECT_TRUE(params.contains("reviewId"));
  EXPECT_TRUE(params.contains("requestId"));
  const auto& review = doc["components"]["schemas"]["nml.listings.v1.Review"];
  EXPECT_EQ(review["properties"]["createTime"]["readOnly"], true);
  EXPECT_EQ(review["properties"]["onlineCount"]["readOnly"], true);
  const auto& market = doc["components"]["schemas"]["nml.listings.v1.Market"];
  EXPECT_NE(std::find(market["required"].begin(), market["required"].end(),
                      "displayName"),
            market["required"].end());
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}

TEST(OpenApi, DescriptionsComeFromTheProtoComments) {
  ASSERT_TRUE(ContractComments().ok());
  const nlohmann::json doc = OpenApiDocument(Table());
  const auto& create = doc["paths"]["/v1/reviews"]["post"];
  EXPECT_THAT(create["description"].get<std::string>(),
              testing::StartsWith("Creates a review"));
  bool review_id_described = false;
  for (const auto& p : create["parameters"]) {
    if (p["name"] == "reviewId") {
      review_id_described = p["description"].get<std::string>().find(
                                "becomes the id") != std::string::npos;
    }
  }
  EXPECT_TRUE(review_id_described);
  const auto& review = doc["components"]["schemas"]["nml.listings.v1.Review"];
  EXPECT_THAT(review["description"].get<std::string>(),
              testing::HasSubstr("Review of Notorious Markets"));
  // A comment's lines keep their breaks but lose the space after `//`.
  EXPECT_THAT(
      review["properties"]["sourceUrl"]["description"].get<std::string>(),
      testing::StartsWith("Where the facts of this review come from"));
  // Enums list each value with its own comment.
  EXPECT_THAT(review["properties"]["state"]["description"].get<std::string>(),
              testing::HasSubstr("- `REVIEW_STATE_PUBLISHED`: "));
  for (const auto& tag : doc["tags"]) {
    EXPECT_FALSE(tag["description"].get<std::string>().empty()) << tag;
  }
  // Every operation says what it does.
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [verb, op] : item.items()) {
      EXPECT_TRUE(op.contains("description")) << verb << " " << path;
    }
  }
}

TEST(ProtoComments, AnUnreadableSetGivesNoCommentsAndNoCrash) {
  const ProtoComments broken("\xff\xff not a descriptor set");
  EXPECT_FALSE(broken.ok());
  EXPECT_EQ(broken.For(nml::listings::v1::Review::descriptor()), "");
}

// The REST front finds a composed read by its method, not by its name: every
// GatewayService method has one (checked at start), and no other method
// does.
TEST(ComposedReads, EveryGatewayMethodIsRegisteredByItsDescriptor) {
  EXPECT_TRUE(Composer::CheckEveryMethodComposed().ok());
  const auto* gateway =
      v1::GetMarketDossierRequest::descriptor()->file()->FindServiceByName(
          "GatewayService");
  for (int i = 0; i < gateway->method_count(); ++i) {
    EXPECT_NE(Composer::ReadFor(gateway->method(i)), nullptr)
        << gateway->method(i)->full_name();
  }
  const auto* get_review = nml::listings::v1::GetReviewRequest::descriptor()
                               ->file()
                               ->FindServiceByName("ListingsService")
                               ->FindMethodByName("GetReview");
  EXPECT_EQ(Composer::ReadFor(get_review), nullptr);
}

// The gateway's backend channels retry GET-bound reads on UNAVAILABLE (on
// another replica) and never a write.
TEST(ReadRetry, OnlyGetBoundMethodsAreRetried) {
  const auto table = RouteTable::FromServices(
      {nml::listings::v1::GetReviewRequest::descriptor()
           ->file()
           ->FindServiceByName("ListingsService")});
  ASSERT_TRUE(table.ok()) << table.status();
  const std::string config = ReadRetryServiceConfig(*table);
  EXPECT_THAT(config, testing::HasSubstr(R"("method":"GetReview")"));
  EXPECT_THAT(config, testing::HasSubstr(R"("UNAVAILABLE")"));
  EXPECT_THAT(config,
              testing::Not(testing::HasSubstr(R"("method":"CreateMarket")")));
  EXPECT_THAT(config,
              testing::Not(testing::HasSubstr(R"("method":"ImportReview")")));
}

}  // namespace
}  // namespace nml::gateway
