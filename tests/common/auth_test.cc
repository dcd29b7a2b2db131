#include "common/grpc/auth.h"

#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>

#include "common/config.h"
#include "common/grpc/server.h"
#include "nml/api/v1/auth.pb.h"
#include "nml/gateway/v1/gateway_service.pb.h"
#include "nml/listings/v1/listings_service.pb.h"
#include "nml/responses/v1/responses_service.pb.h"

namespace nml::common {
namespace {

// Touches a message of each service's file, so the static library's
// object that registers its descriptors is linked in (as a server links
// its service).
[[maybe_unused]] const bool kLinked =
    listings::v1::GetReviewRequest::descriptor() != nullptr &&
    responses::v1::GetResponseRequest::descriptor() != nullptr &&
    gateway::v1::GetMarketDossierRequest::descriptor() != nullptr;

ApiKeys Keys() {
  auto keys = ApiKeys::Parse(
      absl::StrCat("reader ", ApiKeys::Sha256Hex("r-key"), " analyst\n",
                   "editor ", ApiKeys::Sha256Hex("e-key"), "\n", "# comment\n",
                   "admin ", ApiKeys::Sha256Hex("a-key")));
  EXPECT_TRUE(keys.ok()) << keys.status();
  return *keys;
}

TEST(ApiKeys, MapsKeysToRolesByTheirHash) {
  const ApiKeys keys = Keys();
  EXPECT_EQ(keys.RoleOf("r-key"), Role::kReader);
  EXPECT_EQ(keys.RoleOf("e-key"), Role::kEditor);
  EXPECT_EQ(keys.RoleOf("a-key"), Role::kAdmin);
  EXPECT_EQ(keys.RoleOf("a-keyx"), Role::kNone);
  EXPECT_EQ(keys.RoleOf(""), Role::kNone);
  EXPECT_EQ(ApiKeys::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiKeys, RefusesPlainKeysAndUnknownRoles) {
  EXPECT_FALSE(ApiKeys::Parse("admin hunter2").ok());
  EXPECT_FALSE(
      ApiKeys::Parse(absl::StrCat("root ", ApiKeys::Sha256Hex("x"))).ok());
  EXPECT_TRUE(ApiKeys::Parse("").ok());
}

TEST(AuthPolicy, WritesNeedEditorAndDeletesImportsNeedAdmin) {
  EXPECT_EQ(
      AuthPolicy::RequiredRole("/nml.listings.v1.ListingsService/GetReview"),
      Role::kReader);
  EXPECT_EQ(AuthPolicy::RequiredRole(
                "/nml.listings.v1.ListingsService/ScreenDomains"),
            Role::kReader);
  EXPECT_EQ(
      AuthPolicy::RequiredRole("/nml.listings.v1.ListingsService/CreateMarket"),
      Role::kEditor);
  EXPECT_EQ(AuthPolicy::RequiredRole(
                "/nml.responses.v1.ResponsesService/UndeleteResponse"),
            Role::kEditor);
  EXPECT_EQ(
      AuthPolicy::RequiredRole("/nml.listings.v1.ListingsService/ImportReview"),
      Role::kAdmin);
  EXPECT_EQ(
      AuthPolicy::RequiredRole("/nml.listings.v1.ListingsService/MergeMarkets"),
      Role::kAdmin);
  EXPECT_EQ(AuthPolicy::RequiredRole(
                "/nml.responses.v1.ResponsesService/DeleteResponse"),
            Role::kAdmin);
}

// A service in a pool of its own: `Declared` declares its role, `Forgotten`
// none, as a new RPC added without thinking about who may call it.
const google::protobuf::ServiceDescriptor* FakeService(
    google::protobuf::DescriptorPool& pool) {
  google::protobuf::FileDescriptorProto file;
  file.set_name("nml/fake/v1/fake.proto");
  file.set_package("nml.fake.v1");
  file.set_syntax("proto3");
  file.add_dependency("nml/api/v1/auth.proto");
  file.add_dependency("google/protobuf/empty.proto");
  auto* service = file.add_service();
  service->set_name("FakeService");
  auto* declared = service->add_method();
  declared->set_name("Declared");
  declared->set_input_type(".google.protobuf.Empty");
  declared->set_output_type(".google.protobuf.Empty");
  declared->mutable_options()->SetExtension(api::v1::required_role,
                                            api::v1::ROLE_EDITOR);
  auto* forgotten = service->add_method();
  forgotten->set_name("PublishReview");
  forgotten->set_input_type(".google.protobuf.Empty");
  forgotten->set_output_type(".google.protobuf.Empty");
  const auto* built = pool.BuildFile(file);
  return built == nullptr ? nullptr : built->service(0);
}

TEST(AuthPolicy, AMethodWithoutADeclaredRoleStopsTheServerFromStarting) {
  // The underlay lends the generated files (auth.proto, empty.proto).
  google::protobuf::DescriptorPool pool(
      google::protobuf::DescriptorPool::generated_pool());
  const auto* fake = FakeService(pool);
  ASSERT_NE(fake, nullptr);
  const absl::Status refused = CheckRolesDeclared(fake);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("nml.fake.v1.FakeService.PublishReview"),
            std::string::npos)
      << refused;
  // Every service nml serves declares a role on every method.
  for (const char* name :
       {"nml.listings.v1.ListingsService", "nml.responses.v1.ResponsesService",
        "nml.gateway.v1.GatewayService"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(
        CheckRolesDeclared(google::protobuf::DescriptorPool::generated_pool()
                               ->FindServiceByName(name))
            .ok());
  }
  // A server whose service's roles cannot be read does not start.
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  ServerRunner runner("nml.fake.v1.FakeService", options);
  EXPECT_EQ(runner.Start().code(), absl::StatusCode::kFailedPrecondition);
  // A method no role covers is refused to every key, admin too.
  AuthPolicy policy(Keys(), /*anonymous_reads=*/true);
  EXPECT_EQ(
      policy.Decide("/nml.fake.v1.FakeService/PublishReview", "Bearer a-key")
          .code(),
      absl::StatusCode::kPermissionDenied);
}

TEST(AuthPolicy, DecidesByRoleAndAnonymousReads) {
  const AuthPolicy open(Keys(), true);
  const AuthPolicy closed(Keys(), false);
  const std::string get = "/nml.listings.v1.ListingsService/GetReview";
  const std::string create = "/nml.listings.v1.ListingsService/CreateMarket";
  const std::string import = "/nml.listings.v1.ListingsService/ImportReview";
  EXPECT_TRUE(open.Decide(get, "").ok());
  EXPECT_EQ(closed.Decide(get, "").code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(closed.Decide(get, "Bearer r-key").ok());
  EXPECT_EQ(open.Decide(create, "").code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(open.Decide(create, "Bearer r-key").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(open.Decide(create, "bearer e-key").ok());
  EXPECT_EQ(open.Decide(import, "Bearer e-key").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(open.Decide(import, "Bearer a-key").ok());
  EXPECT_EQ(open.Decide(get, "Bearer wrong").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(open.Decide(get, "Basic cjpr").code(),
            absl::StatusCode::kUnauthenticated);
  // The key never appears in a message.
  EXPECT_EQ(open.Decide(get, "Bearer s3cret").message().find("s3cret"),
            std::string::npos);
}

TEST(AuthPolicy, WithoutKeysEverythingIsOpen) {
  const AuthPolicy open(*ApiKeys::Parse(""), false);
  EXPECT_TRUE(
      open.Decide("/nml.listings.v1.ListingsService/ImportReview", "").ok());
}

}  // namespace
}  // namespace nml::common
