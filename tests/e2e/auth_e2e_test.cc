// Every mutating RPC of every service, called with no key, a reader, an
// editor and an admin key, over gRPC and through the gateway's HTTP side.
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_replace.h>
#include <google/protobuf/descriptor.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <re2/re2.h>

#include <chrono>
#include <future>
#include <thread>

#include "common/grpc/auth.h"
#include "nml/gateway/v1/gateway_service.pb.h"
#include "nml/listings/v1/listings_service.pb.h"
#include "nml/responses/v1/responses_service.pb.h"
#include "services/gateway/routes.h"
#include "tests/support/topology.h"

namespace nml {
namespace {

using namespace std::chrono_literals;
using common::ApiKeys;
using common::AuthPolicy;
using common::Role;

const std::map<std::string, std::string>& Keys() {
  static const std::map<std::string, std::string> kKeys = {
      {"reader", "reader-key-1"},
      {"editor", "editor-key-1"},
      {"admin", "admin-key-1"}};
  return kKeys;
}

std::string KeysConfig() {
  std::string config;
  for (const auto& [role, key] : Keys()) {
    absl::StrAppend(&config, role, " ", ApiKeys::Sha256Hex(key), " ", role,
                    "-user;");
  }
  // The responses service's own key for nml-listings.
  absl::StrAppend(&config, "reader ",
                  ApiKeys::Sha256Hex("responses-service-key"), " svc");
  return config;
}

class Auth : public ::testing::Test {
 protected:
  void SetUp() override {
    nml::testing::TopologyOptions options;
    options.all_env = {{"NML_API_KEYS", KeysConfig()}};
    options.responses_env = {{"NML_LISTINGS_TOKEN", "responses-service-key"}};
    ASSERT_NO_FATAL_FAILURE(system_.Start(options));
    http_port_ = system_.http_port();
    addresses_["nml.listings.v1.ListingsService"] = system_.listings_address();
    addresses_["nml.responses.v1.ResponsesService"] =
        system_.responses_address();
  }

  // Calls `method` with an empty request and the key of `role` ("" for none).
  grpc::StatusCode Call(const google::protobuf::MethodDescriptor* method,
                        const std::string& role) {
    auto channel =
        grpc::CreateChannel(addresses_[method->service()->full_name()],
                            grpc::InsecureChannelCredentials());
    grpc::GenericStub stub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    if (!role.empty())
      context.AddMetadata("authorization", "Bearer " + Keys().at(role));
    grpc::ByteBuffer request;
    grpc::ByteBuffer response;
    grpc::Slice empty("");
    request = grpc::ByteBuffer(&empty, 1);
    std::promise<grpc::Status> done;
    stub.UnaryCall(
        &context,
        absl::StrCat("/", method->service()->full_name(), "/", method->name()),
        grpc::StubOptions(), &request, &response,
        [&done](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get().error_code();
  }

  nml::testing::Topology system_;
  std::map<std::string, std::string> addresses_;
  int http_port_ = 0;
};

// Through a message of each file, so the static library's object that
// registers the descriptors is linked in.
const google::protobuf::ServiceDescriptor* Listings() {
  return listings::v1::GetReviewRequest::descriptor()
      ->file()
      ->FindServiceByName("ListingsService");
}
const google::protobuf::ServiceDescriptor* Responses() {
  return responses::v1::GetResponseRequest::descriptor()
      ->file()
      ->FindServiceByName("ResponsesService");
}

std::vector<const google::protobuf::MethodDescriptor*> MutatingMethods() {
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const auto* service : {Listings(), Responses()}) {
    const std::string name = service->full_name();
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      if (AuthPolicy::RequiredRole(
              absl::StrCat("/", name, "/", method->name())) > Role::kReader) {
        methods.push_back(method);
      }
    }
  }
  return methods;
}

bool AuthError(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAUTHENTICATED ||
         code == grpc::StatusCode::PERMISSION_DENIED;
}

TEST_F(Auth, EveryMutatingRpcChecksTheRoleOverGrpc) {
  const auto methods = MutatingMethods();
  ASSERT_EQ(methods.size(), 25u);  // 16 listings + 9 responses
  for (const auto* method : methods) {
    const Role required = AuthPolicy::RequiredRole(
        absl::StrCat("/", method->service()->full_name(), "/", method->name()));
    SCOPED_TRACE(method->full_name());
    EXPECT_EQ(Call(method, ""), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(Call(method, "reader"), grpc::StatusCode::PERMISSION_DENIED);
    const auto editor = Call(method, "editor");
    if (required == Role::kAdmin) {
      EXPECT_EQ(editor, grpc::StatusCode::PERMISSION_DENIED);
    } else {
      EXPECT_FALSE(AuthError(editor)) << editor;
    }
    EXPECT_FALSE(AuthError(Call(method, "admin")));
  }
}

TEST_F(Auth, ReadsAreAnonymousByDefaultAndAWrongKeyIsRefused) {
  const auto* get = Listings()->FindMethodByName("GetDataStatus");
  EXPECT_EQ(Call(get, ""), grpc::StatusCode::OK);
  EXPECT_EQ(Call(get, "reader"), grpc::StatusCode::OK);
  EXPECT_FALSE(absl::StrContains(system_.listings().Stderr(), "reader-key-1"))
      << "keys are never logged";
}

TEST_F(Auth, TheGatewaysHttpSideAnswers401And403AsTheRolesSay) {
  auto routes = gateway::RouteTable::FromServices({Listings(), Responses()});
  ASSERT_TRUE(routes.ok());
  httplib::Client client("127.0.0.1", http_port_);
  client.set_read_timeout(20, 0);
  int checked = 0;
  for (const auto& route : routes->routes()) {
    const std::string method = route.grpc_path;
    const Role required = AuthPolicy::RequiredRole(method);
    if (required == Role::kReader) continue;
    // A concrete path for the template: "{name=reviews/*}" -> "reviews/2021".
    std::string path = "/v1";
    for (const auto& segment : route.segments) {
      if (!segment.literal.empty()) {
        absl::StrAppend(&path, "/", segment.literal);
        continue;
      }
      for (const auto& part : segment.pattern) {
        absl::StrAppend(&path, "/", part == "*" ? "2021" : part);
      }
    }
    if (!route.verb.empty()) absl::StrAppend(&path, ":", route.verb);
    auto send = [&](const std::string& role) {
      httplib::Headers headers;
      if (!role.empty())
        headers.emplace("authorization", "Bearer " + Keys().at(role));
      auto status = [](const httplib::Result& result) {
        return result ? result->status : 0;
      };
      if (route.http_method == "POST") {
        return status(
            client.Post(path.c_str(), headers, "{}", "application/json"));
      }
      if (route.http_method == "PATCH") {
        return status(
            client.Patch(path.c_str(), headers, "{}", "application/json"));
      }
      return status(client.Delete(path.c_str(), headers));
    };
    SCOPED_TRACE(absl::StrCat(route.http_method, " ", path));
    EXPECT_EQ(send(""), 401);
    EXPECT_EQ(send("reader"), 403);
    const int editor = send("editor");
    if (required == Role::kAdmin) {
      EXPECT_EQ(editor, 403);
    } else {
      EXPECT_NE(editor, 401);
      EXPECT_NE(editor, 403);
    }
    const int admin = send("admin");
    EXPECT_NE(admin, 401);
    EXPECT_NE(admin, 403);
    ++checked;
  }
  EXPECT_EQ(checked, 23);
}

}  // namespace
}  // namespace nml
