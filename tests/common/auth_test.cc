#include "common/auth.h"

#include <gtest/gtest.h>

namespace nml::common {
namespace {

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
