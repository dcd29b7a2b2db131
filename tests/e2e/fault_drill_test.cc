// The fault drill: writes with request ids to nml-responses while it is
// killed with SIGKILL and restarted, and while its PostgreSQL is stopped at
// once (as a crash) and restarted. Every write is retried with its request
// id until it is acknowledged, as a client following AIP-155 does; then the
// stored rows are counted against the acknowledged writes.
#include <absl/strings/str_cat.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>
#include <vector>

#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"
#include "tests/support/private_cluster.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace nml {
namespace {

using namespace std::chrono_literals;
using testing::PrivateCluster;
using testing::Subprocess;
using testing::WithDatabase;

std::unique_ptr<grpc::ClientContext> Context(std::chrono::milliseconds t) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + t);
  return context;
}

TEST(FaultDrill, NoAcknowledgedWriteIsLostOrDuplicated) {
  PrivateCluster cluster("27434");
  {
    pqxx::connection admin(cluster.url());
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE nml_listings");
    tx.exec("CREATE DATABASE nml_responses");
  }
  const std::string listings_db = WithDatabase(cluster.url(), "nml_listings");
  const std::string responses_db = WithDatabase(cluster.url(), "nml_responses");
  Subprocess listings(
      NML_LISTINGS_BIN, {},
      {{"NML_DATABASE_URL", listings_db}, {"NML_LISTEN", "127.0.0.1:0"}});
  const int listings_port = listings.WaitForListeningPort(30s);
  ASSERT_GT(listings_port, 0) << listings.Stderr();
  {
    auto stub = listings::v1::ListingsService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", listings_port),
                            grpc::InsecureChannelCredentials()));
    listings::v1::CreateMarketRequest request;
    request.mutable_market()->set_display_name("Drill Market");
    request.mutable_market()->set_kind(listings::v1::MARKET_KIND_ONLINE);
    request.mutable_market()->set_country_code("CN");
    listings::v1::CreateMarketResponse response;
    ASSERT_TRUE(
        stub->CreateMarket(Context(10s).get(), request, &response).ok());
  }

  auto start_responses = [&](int port) {
    return std::make_unique<Subprocess>(
        NML_RESPONSES_BIN, std::vector<std::string>{},
        std::map<std::string, std::string>{
            {"NML_DATABASE_URL", responses_db},
            {"NML_LISTEN", absl::StrCat("127.0.0.1:", port)},
            {"NML_LISTINGS_ADDR", absl::StrCat("127.0.0.1:", listings_port)},
            {"NML_DB_STARTUP_WAIT_S", "30"}});
  };
  auto responses = start_responses(0);
  const int port = responses->WaitForListeningPort(30s);
  ASSERT_GT(port, 0) << responses->Stderr();
  auto stub = responses::v1::ResponsesService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  std::string stakeholder;
  {
    responses::v1::CreateStakeholderRequest request;
    request.mutable_stakeholder()->set_display_name("Drill Association");
    request.mutable_stakeholder()->set_type(
        responses::v1::STAKEHOLDER_TYPE_INDUSTRY_ASSOCIATION);
    responses::v1::CreateStakeholderResponse response;
    ASSERT_TRUE(
        stub->CreateStakeholder(Context(10s).get(), request, &response).ok());
    stakeholder = response.stakeholder().name();
  }

  // Four writers, each write retried with its request id until it is
  // acknowledged (bounded: 30 s a write).
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<std::string, std::string> acknowledged;  // request id -> name
  int unacknowledged = 0;
  int failed_attempts = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        responses::v1::CreateResponseRequest request;
        request.set_request_id(absl::StrCat("drill-", w, "-", i));
        auto* r = request.mutable_response();
        r->set_stakeholder(stakeholder);
        r->set_review_year(2021);
        r->add_targets("markets/drill-market");
        r->set_stance(responses::v1::STANCE_WELCOMES);
        r->set_summary(absl::StrCat("Statement ", w, "-", i, "."));
        r->set_source_url("https://example.org/drill");
        const auto give_up = std::chrono::steady_clock::now() + 30s;
        bool done = false;
        while (!done && std::chrono::steady_clock::now() < give_up) {
          responses::v1::CreateResponseResponse response;
          const grpc::Status status =
              stub->CreateResponse(Context(2s).get(), request, &response);
          std::lock_guard lock(mu);
          if (status.ok()) {
            acknowledged[request.request_id()] = response.response().name();
            done = true;
          } else {
            ++failed_attempts;
          }
          if (!done) std::this_thread::sleep_for(20ms);
        }
        if (!done) {
          std::lock_guard lock(mu);
          ++unacknowledged;
        }
      }
    });
  }

  std::this_thread::sleep_for(1s);
  responses->Signal(SIGKILL);
  ASSERT_TRUE(responses->Wait(10s).has_value());
  std::this_thread::sleep_for(300ms);
  responses = start_responses(port);
  ASSERT_EQ(responses->WaitForListeningPort(30s), port) << responses->Stderr();
  std::this_thread::sleep_for(1s);
  cluster.Stop(/*crash=*/true);
  std::this_thread::sleep_for(500ms);
  cluster.Restart();
  std::this_thread::sleep_for(2s);
  stop = true;
  for (auto& writer : writers) writer.join();

  pqxx::connection connection(responses_db);
  pqxx::nontransaction tx(connection);
  const auto rows = tx.exec1("SELECT count(*) FROM responses")[0].as<int>();
  std::set<std::string> names;
  for (const auto& [id, name] : acknowledged) names.insert(name);
  int missing = 0;
  for (const std::string& name : names) {
    const std::string id = name.substr(name.rfind('/') + 1);
    missing +=
        tx.exec_params1("SELECT count(*) FROM responses WHERE id = $1", id)[0]
                    .as<int>() == 1
            ? 0
            : 1;
  }
  std::printf(
      "fault drill: %zu writes acknowledged, %d rows stored, %d failed "
      "attempts retried\n",
      acknowledged.size(), rows, failed_attempts);
  EXPECT_EQ(unacknowledged, 0);
  EXPECT_GT(failed_attempts, 0) << "the faults were not felt";
  EXPECT_EQ(names.size(), acknowledged.size()) << "two writes, one row";
  EXPECT_EQ(missing, 0) << "acknowledged writes lost";
  EXPECT_EQ(rows, static_cast<int>(acknowledged.size()))
      << "rows not acknowledged, or duplicated";
}

}  // namespace
}  // namespace nml
