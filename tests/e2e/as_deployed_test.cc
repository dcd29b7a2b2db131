// Issue 28, the multi-replica tier: the system as deploy/k8s runs it, on
// one machine. Three nml-listings replicas, two nml-responses replicas
// reading from a hot standby of their primary, and the gateway over all of
// them. Through REST it checks read-your-writes across replicas, then kills
// one replica of each service and stops the standby under a bounded read
// load, and starts them again.
#include <absl/strings/str_cat.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/api/names.h"
#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "tests/support/health.h"
#include "tests/support/private_cluster.h"
#include "tests/support/topology.h"

namespace nml {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace lv1 = nml::listings::v1;

// A JSON int64 (a string, as proto3 JSON writes it) as text.
std::string VersionOf(const std::string& body) {
  const json version = json::parse(body)["dataVersion"];
  return version.is_string() ? version.get<std::string>() : version.dump();
}

class AsDeployed : public ::testing::Test {
 protected:
  void SetUp() override {
    nml::testing::TopologyOptions options;
    options.listings_replicas = 3;
    options.responses_replicas = 2;
    // Replicas share the key page tokens are signed with (a Secret in k8s).
    options.all_env = {{"NML_PAGE_TOKEN_KEY", "as-deployed-test-key"}};
    options.responses_env = {{"NML_DATABASE_URL", primary_.url()},
                             {"NML_READ_DATABASE_URL", standby_.url()}};
    ASSERT_NO_FATAL_FAILURE(system_.Start(options));
    ASSERT_NO_FATAL_FAILURE(system_.LoadData());
  }

  httplib::Result Post(httplib::Client& client, const std::string& path,
                       const json& body) {
    return client.Post(path.c_str(), body.dump(), "application/json");
  }

  nml::testing::PrivateCluster primary_{"27442"};
  nml::testing::PrivateCluster standby_{"27443", primary_};
  nml::testing::Topology system_;
};

TEST_F(AsDeployed, WritesAreReadBackAndOneReplicaOfEachCanDie) {
  httplib::Client client("127.0.0.1", system_.http_port());
  client.set_read_timeout(10, 0);

  // Read-your-writes through the gateway, over every replica and the
  // standby: a market, then a response about it, each read back at once.
  const auto stakeholder = Post(client, "/v1/stakeholders",
                                {{"displayName", "As Deployed Watcher"},
                                 {"type", "STAKEHOLDER_TYPE_OTHER"}});
  ASSERT_TRUE(stakeholder && stakeholder->status == 200)
      << (stakeholder ? stakeholder->body : "no answer");
  const std::string stakeholder_name =
      json::parse(stakeholder->body)["stakeholder"]["name"];
  int missing = 0, refused = 0;
  std::string first_error;
  for (int i = 0; i < 100; ++i) {
    const std::string id = absl::StrCat("deployed-", i);
    const auto market = Post(
        client, "/v1/markets?marketId=" + id,
        {{"displayName", "As deployed " + id}, {"kind", "MARKET_KIND_ONLINE"}});
    ASSERT_TRUE(market && market->status == 200)
        << (market ? market->body : "no answer");
    const auto read = client.Get(("/v1/markets/" + id).c_str());
    missing += !read || read->status != 200;

    const auto response =
        Post(client, "/v1/responses",
             {{"stakeholder", stakeholder_name},
              {"reviewYear", 2021},
              {"targets", {"markets/" + id}},
              {"stance", "STANCE_DISAGREES"},
              {"summary", "Filed the moment the market was listed."},
              {"sourceUrl", "https://example.org/as-deployed/" + id}});
    if (!response || response->status != 200) {
      ++refused;
      if (first_error.empty() && response) first_error = response->body;
      continue;
    }
    const std::string name = json::parse(response->body)["response"]["name"];
    const auto back = client.Get(
        ("/v1/" + name).c_str(),
        {{common::kMinDataVersionMetadata, VersionOf(response->body)}});
    missing += !back || back->status != 200;
    // A list asked for the write's version has it.
    const auto listed = client.Get(
        ("/v1/responses?filter=targets%3A%22markets%2F" + id + "%22").c_str(),
        {{common::kMinDataVersionMetadata, VersionOf(response->body)}});
    missing += !listed || listed->status != 200 ||
               json::parse(listed->body)["responses"].size() != 1;
    // A dossier asked for both writes' versions shows the market and the
    // response (each service counts its own versions: two headers).
    if (i % 10 == 0) {
      const auto dossier = client.Get(
          ("/v1/markets/" + id + ":dossier").c_str(),
          {{common::kMinDataVersionMetadata, VersionOf(market->body)},
           {common::kMinResponsesDataVersionMetadata,
            VersionOf(response->body)}});
      missing +=
          !dossier || dossier->status != 200 ||
          json::parse(dossier->body)["responses"]["responses"].size() != 1;
    }
  }
  std::printf(
      "100 markets and 100 responses about them through the gateway over 3 "
      "listings, 2 responses and a standby: %d refused, %d not read back\n",
      refused, missing);
  EXPECT_EQ(refused, 0) << first_error;
  EXPECT_EQ(missing, 0);

  // A bounded read load over both services while one replica of each dies.
  constexpr int kClients = 4;
  std::atomic<bool> running{true};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client reader("127.0.0.1", system_.http_port());
      reader.set_read_timeout(10, 0);
      const char* paths[] = {"/v1/reviews/2021", "/v1/responses?pageSize=5",
                             "/v1/markets/deployed-7",
                             "/v1/responses:summarize?reviewYear=2021"};
      // At most 20,000 requests a client, and the test stops it sooner.
      for (int n = 0; n < 20000 && running; ++n) {
        const auto r = reader.Get(paths[(n + c) % 4]);
        (r && r->status == 200 ? ok : failed)++;
      }
    });
  }
  std::this_thread::sleep_for(1s);
  const int before = ok.load();
  ASSERT_NO_FATAL_FAILURE(system_.StopListingsReplica(1));
  ASSERT_NO_FATAL_FAILURE(system_.StopResponsesReplica(1));
  standby_.Stop();
  std::this_thread::sleep_for(1s);
  // A write while they are down: the restarted listings replica has it
  // before it says SERVING.
  auto writer = lv1::ListingsService::NewStub(grpc::CreateChannel(
      system_.listings_replica_address(0), grpc::InsecureChannelCredentials()));
  int64_t version = 0;
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    lv1::CreateMarketRequest request;
    request.set_market_id("written-while-down");
    request.mutable_market()->set_display_name("Written while down");
    request.mutable_market()->set_kind(lv1::MARKET_KIND_ONLINE);
    lv1::CreateMarketResponse response;
    ASSERT_TRUE(writer->CreateMarket(&context, request, &response).ok());
    version = response.data_version();
  }
  ASSERT_NO_FATAL_FAILURE(system_.StartListingsReplicaAgain(1));
  ASSERT_NO_FATAL_FAILURE(system_.StartResponsesReplicaAgain(1));
  ASSERT_GE(nml::testing::WaitForHealth(system_.listings_replica_address(1),
                                        "SERVING", 30s)
                .count(),
            0);
  {
    auto restarted = lv1::ListingsService::NewStub(
        grpc::CreateChannel(system_.listings_replica_address(1),
                            grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    lv1::GetDataStatusResponse status;
    ASSERT_TRUE(restarted->GetDataStatus(&context, {}, &status).ok());
    EXPECT_GE(status.data_version(), version);
  }
  ASSERT_GE(nml::testing::WaitForHealth(system_.responses_replica_address(1),
                                        "SERVING", 30s)
                .count(),
            0);
  standby_.Restart();
  std::this_thread::sleep_for(1500ms);
  running = false;
  for (auto& thread : clients) thread.join();
  std::printf(
      "one listings replica, one responses replica and the standby stopped "
      "and restarted under load: %d reads ok (%d before), %d failed\n",
      ok.load(), before, failed.load());
  EXPECT_GT(ok.load(), before);
  // The gateway retries a read that fails UNAVAILABLE on another replica:
  // at most a read in flight on each killed process may fail.
  EXPECT_LE(failed.load(), 2 * kClients);
}

}  // namespace
}  // namespace nml
