// The service processes as operators run them: configuration errors, health
// that follows the database, graceful shutdown, migrations at start-up.
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <re2/re2.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"
#include "tests/support/health.h"
#include "tests/support/private_cluster.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"
#include "tests/support/topology.h"

namespace nml {
namespace {

using namespace std::chrono_literals;
using nml::testing::CheckHealth;
using nml::testing::PrivateCluster;
using nml::testing::RunProcess;
using nml::testing::Subprocess;
using nml::testing::TestDatabase;
using nml::testing::WaitForHealth;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

std::map<std::string, std::string> ServiceEnv(const std::string& db_url) {
  return {{"NML_DATABASE_URL", db_url},
          {"NML_LISTEN", "127.0.0.1:0"},
          {"NML_HEALTH_INTERVAL_MS", "200"},
          {"NML_DB_CONNECT_TIMEOUT_S", "2"}};
}

std::string Address(int port) { return absl::StrCat("127.0.0.1:", port); }

// ------------------------------------------------------------ configuration

TEST(Configuration, AnUnparseablePortEndsStartUpWithOneLine) {
  const auto result =
      RunProcess(NML_LISTINGS_BIN, {},
                 {{"NML_LISTEN", "0.0.0.0:http"},
                  {"NML_DATABASE_URL", "postgresql://x@127.0.0.1/x"}});
  EXPECT_EQ(result.exit_status, 2);
  const auto lines = Lines(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_TRUE(absl::StrContains(lines[0], "--listen")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], "'http' is not a port number"))
      << lines[0];
}

TEST(Configuration, AMissingDatabaseUrlIsNamed) {
  const auto result = RunProcess(NML_RESPONSES_BIN, {});
  EXPECT_EQ(result.exit_status, 2);
  const auto lines = Lines(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_TRUE(absl::StrContains(lines[0], "NML_DATABASE_URL")) << lines[0];
}

TEST(Configuration, AnUnreachableDatabaseEndsStartUpWithOneLine) {
  const auto started = std::chrono::steady_clock::now();
  const auto result = RunProcess(
      NML_LISTINGS_BIN, {},
      {{"NML_DATABASE_URL", "postgresql://nml:secret@127.0.0.1:1/nml_listings"},
       {"NML_DB_STARTUP_WAIT_S", "0"}});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_EQ(result.exit_status, 1);
  const auto lines = Lines(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_TRUE(absl::StartsWith(lines[0],
                               "nml-listings: cannot connect to "
                               "database postgresql://nml:***@"))
      << lines[0];
  EXPECT_FALSE(absl::StrContains(result.err, "secret"));
}

TEST(Configuration, AnOccupiedPortEndsStartUpWithOneLine) {
  TestDatabase db;
  Subprocess first(NML_LISTINGS_BIN, {}, ServiceEnv(db.url()));
  const int port = first.WaitForListeningPort(20s);
  ASSERT_GT(port, 0) << first.Stderr();
  auto env = ServiceEnv(db.url());
  env["NML_LISTEN"] = Address(port);
  const auto result = RunProcess(NML_LISTINGS_BIN, {}, env);
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_TRUE(absl::StrContains(result.err, "nml-listings: cannot listen on"))
      << result.err;
}

// ------------------------------------------------------------ health

TEST(Health, AllThreeServicesStartAndServe) {
  nml::testing::Topology system;
  nml::testing::TopologyOptions options;
  options.all_env = {{"NML_HEALTH_INTERVAL_MS", "200"}};
  options.listings_env = {{"NML_DB_CONNECT_TIMEOUT_S", "2"}};
  options.responses_env = options.listings_env;
  ASSERT_NO_FATAL_FAILURE(system.Start(options));

  struct Server {
    std::string address;
    std::string service;
  };
  const std::vector<Server> servers = {
      {system.listings_address(), "nml.listings.v1.ListingsService"},
      {system.responses_address(), "nml.responses.v1.ResponsesService"},
      {system.gateway_address(), "nml.gateway.v1.GatewayService"}};
  for (const Server& server : servers) {
    const std::string& address = server.address;
    const std::string& service = server.service;
    ASSERT_GE(WaitForHealth(address, "SERVING", 10s).count(), 0)
        << service << ": " << CheckHealth(address);
    const auto probe = RunProcess(NML_HEALTH_CHECK_BIN,
                                  {"--addr", address, "--service", service});
    EXPECT_EQ(probe.exit_status, 0) << service << ": " << probe.err;
    EXPECT_EQ(probe.out, "SERVING\n") << service;
  }
}

TEST(Health, TheProbeFailsClearlyWhenNothingListens) {
  const auto probe = RunProcess(
      NML_HEALTH_CHECK_BIN, {"--addr", "127.0.0.1:1", "--timeout-ms", "500"});
  EXPECT_EQ(probe.exit_status, 2);
  EXPECT_TRUE(absl::StartsWith(probe.err, "nml-health-check: 127.0.0.1:1:"))
      << probe.err;
}

TEST(Health, ListingsServesItsSnapshotThroughADatabaseOutage) {
  PrivateCluster cluster("27432");
  Subprocess service(NML_LISTINGS_BIN, {}, ServiceEnv(cluster.url()));
  const int port = service.WaitForListeningPort(20s);
  ASSERT_GT(port, 0) << service.Stderr();
  const std::string address = Address(port);
  ASSERT_GE(WaitForHealth(address, "SERVING", 10s).count(), 0);
  auto stub = nml::listings::v1::ListingsService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  auto read = [&] {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 5s);
    nml::listings::v1::GetDataStatusResponse response;
    return stub->GetDataStatus(&context, {}, &response);
  };
  auto write = [&](const std::string& name) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 5s);
    nml::listings::v1::CreateMarketRequest request;
    request.mutable_market()->set_display_name(name);
    request.mutable_market()->set_kind(nml::listings::v1::MARKET_KIND_ONLINE);
    request.mutable_market()->set_country_code("CN");
    nml::listings::v1::CreateMarketResponse response;
    return stub->CreateMarket(&context, request, &response);
  };

  cluster.Stop();
  const auto down = WaitForHealth(address, "NOT_SERVING", 5s, "database");
  ASSERT_GE(down.count(), 0) << "the database never turned NOT_SERVING";
  EXPECT_LE(down.count(), 2000) << "took " << down.count() << " ms";
  // Reads go on from the snapshot, so it stays ready, and alive; writes
  // are UNAVAILABLE.
  EXPECT_EQ(CheckHealth(address), "SERVING");
  EXPECT_EQ(CheckHealth(address, "liveness"), "SERVING");
  EXPECT_TRUE(read().ok());
  EXPECT_EQ(write("Outage Bazaar").error_code(), grpc::StatusCode::UNAVAILABLE);

  cluster.Restart();
  const auto up = WaitForHealth(address, "SERVING", 15s, "database");
  EXPECT_GE(up.count(), 0) << "the database never came back";
  EXPECT_TRUE(service.Running()) << "the service must not restart";
  // And it writes again through its pool.
  grpc::Status written;
  for (int attempt = 0; attempt < 50; ++attempt) {
    written = write("After Outage Bazaar");
    if (written.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(written.ok()) << written.error_message();
}

// A service probing its database every 250 ms (the default).
std::map<std::string, std::string> HealthEnv(const std::string& db_url) {
  auto env = ServiceEnv(db_url);
  env["NML_HEALTH_INTERVAL_MS"] = "250";
  return env;
}

// The address of `service` once it listens and is SERVING; empty if not.
std::string WaitServing(Subprocess& service) {
  const int port = service.WaitForListeningPort(20s);
  if (port <= 0) return "";
  const std::string address = Address(port);
  return WaitForHealth(address, "SERVING", 10s).count() >= 0 ? address : "";
}

TEST(Health, AHungDatabaseIsNotServingWithinASecondAndBackWhenItAnswers) {
  PrivateCluster cluster("27433");
  Subprocess service(NML_RESPONSES_BIN, {}, HealthEnv(cluster.url()));
  const std::string address = WaitServing(service);
  ASSERT_FALSE(address.empty()) << service.Stderr();

  cluster.Signal(SIGSTOP);
  const auto down = WaitForHealth(address, "NOT_SERVING", 5s);
  const std::string alive = CheckHealth(address, "liveness");
  cluster.Signal(SIGCONT);
  ASSERT_GE(down.count(), 0) << "a hung database was never NOT_SERVING";
  EXPECT_LT(down.count(), 1000) << "took " << down.count() << " ms";
  std::printf("hung database: NOT_SERVING after %lld ms\n",
              static_cast<long long>(down.count()));
  EXPECT_EQ(alive, "SERVING") << "liveness never depends on the database";
  EXPECT_EQ(CheckHealth(address, "database"), "NOT_SERVING");
  const auto up = WaitForHealth(address, "SERVING", 10s);
  EXPECT_GE(up.count(), 0) << "health never came back";
  EXPECT_TRUE(service.Running());
}

// Issue 27: under load, a hung database made workers stick on their queries
// and the calls behind them were refused as overload (RESOURCE_EXHAUSTED,
// REST 429) until 2.9 s after it answered again. Now calls are UNAVAILABLE
// (503) at once while health finds it down, and refusals end within 0.5 s
// of it answering.
TEST(Health, AHungDatabaseUnderLoadIsUnavailableNotOverloadAndRecoversFast) {
  // Its own port: FaultDrill's cluster has 27434, and they may run at once.
  PrivateCluster cluster("27435");
  Subprocess service(NML_RESPONSES_BIN, {}, HealthEnv(cluster.url()));
  const std::string address = WaitServing(service);
  ASSERT_FALSE(address.empty()) << service.Stderr();

  using Clock = std::chrono::steady_clock;
  struct Call {
    Clock::time_point start;
    Clock::duration took;
    grpc::StatusCode code;
  };
  std::mutex mu;
  std::vector<Call> calls;
  std::atomic<bool> running{true};
  auto channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  std::vector<std::thread> clients;
  for (int i = 0; i < 12; ++i) {
    clients.emplace_back([&] {
      auto stub = nml::responses::v1::ResponsesService::NewStub(channel);
      // Bounded: at most 2,000 calls per client, and the test stops them.
      for (int n = 0; n < 2000 && running; ++n) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + 1500ms);
        nml::responses::v1::ListStakeholdersRequest request;
        request.set_page_size(10);
        nml::responses::v1::ListStakeholdersResponse response;
        const auto start = Clock::now();
        const grpc::Status status =
            stub->ListStakeholders(&context, request, &response);
        std::lock_guard lock(mu);
        calls.push_back({start, Clock::now() - start, status.error_code()});
        if (!status.ok()) std::this_thread::sleep_for(5ms);
      }
    });
  }
  std::this_thread::sleep_for(500ms);
  cluster.Signal(SIGSTOP);
  const auto down = WaitForHealth(address, "NOT_SERVING", 5s, "database");
  const auto hung_seen = Clock::now();
  std::this_thread::sleep_for(2s);
  cluster.Signal(SIGCONT);
  const auto resumed = Clock::now();
  std::this_thread::sleep_for(1500ms);
  running = false;
  for (auto& client : clients) client.join();
  ASSERT_GE(down.count(), 0) << "a hung database was never NOT_SERVING";

  int during = 0, unavailable = 0, exhausted = 0, slow = 0, late_failures = 0,
      after = 0;
  Clock::time_point last_refusal{};
  Clock::duration slowest{};
  for (const Call& call : calls) {
    if (call.start >= hung_seen && call.start < resumed) {
      ++during;
      unavailable += call.code == grpc::StatusCode::UNAVAILABLE;
      exhausted += call.code == grpc::StatusCode::RESOURCE_EXHAUSTED;
      // Refused, not held until the 1.5 s deadline (on a loaded 2-core
      // machine a refusal has taken up to 0.3 s).
      slow += call.took > 1s;
      slowest = std::max(slowest, call.took);
    }
    if (call.start >= resumed) {
      ++after;
      if (call.code != grpc::StatusCode::OK) {
        last_refusal = std::max(last_refusal, call.start);
        late_failures += call.start >= resumed + 500ms;
      }
    }
  }
  const long long refusals_for =
      last_refusal == Clock::time_point{}
          ? 0
          : std::chrono::duration_cast<std::chrono::milliseconds>(last_refusal -
                                                                  resumed)
                .count();
  std::printf(
      "hung database under load: %d calls while it hung (%d UNAVAILABLE, %d "
      "RESOURCE_EXHAUSTED, %d over 1 s, the slowest %lld ms); after it "
      "answered, %d calls, the last refused %lld ms after\n",
      during, unavailable, exhausted, slow,
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(slowest)
              .count()),
      after, refusals_for);
  EXPECT_GT(during, 0);
  EXPECT_EQ(exhausted, 0) << "a hung database is not overload";
  EXPECT_EQ(unavailable, during);
  EXPECT_EQ(slow, 0) << "refused at once, not after waiting on a worker";
  EXPECT_GT(after, 0);
  EXPECT_EQ(late_failures, 0) << "refusals went on " << refusals_for
                              << " ms after the database answered";
}

// ------------------------------------------------------------ shutdown

// A channel connected to `address`, so that a call made on it is on the
// server at once, even on a loaded machine (a connection still being made
// when SIGTERM came failed the call with "Socket closed").
std::shared_ptr<grpc::Channel> Connected(const std::string& address) {
  auto channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  EXPECT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() +
                                        std::chrono::seconds(10)));
  return channel;
}

// Waits until `service` holds a call's answer (NML_INJECT_DELAY_MS says so
// in its log): the call is in flight, whatever the machine's load.
void WaitForHeldCall(Subprocess& service) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (!absl::StrContains(service.Stderr(), "fault drill: holding") &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(absl::StrContains(service.Stderr(), "fault drill: holding"))
      << service.Stderr();
}

grpc::Status SlowCall(const std::shared_ptr<grpc::Channel>& channel,
                      std::chrono::milliseconds deadline) {
  auto stub = nml::listings::v1::ListingsService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  nml::listings::v1::GetDataStatusResponse response;
  return stub->GetDataStatus(&context, {}, &response);
}

TEST(Shutdown, SigtermLetsAnInFlightCallFinish) {
  TestDatabase db;
  auto env = ServiceEnv(db.url());
  env["NML_INJECT_DELAY_MS"] = "1500";
  env["NML_SHUTDOWN_GRACE_MS"] = "5000";
  Subprocess service(NML_LISTINGS_BIN, {}, env);
  const int port = service.WaitForListeningPort(20s);
  ASSERT_GT(port, 0) << service.Stderr();
  ASSERT_GE(WaitForHealth(Address(port), "SERVING", 10s).count(), 0);

  const auto channel = Connected(Address(port));
  auto call =
      std::async(std::launch::async, [&] { return SlowCall(channel, 10s); });
  ASSERT_NO_FATAL_FAILURE(WaitForHeldCall(service));
  const auto signalled = std::chrono::steady_clock::now();
  service.Signal(SIGTERM);

  const grpc::Status status = call.get();
  const auto exit_status = service.Wait(6s);
  EXPECT_TRUE(status.ok()) << status.error_code() << " "
                           << status.error_message() << "\n"
                           << service.Stderr();
  ASSERT_TRUE(exit_status.has_value()) << "still running after the grace";
  EXPECT_EQ(*exit_status, 0) << service.Stderr();
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 5s);
  EXPECT_TRUE(absl::StrContains(service.Stderr(), "received SIGTERM"));
}

TEST(Shutdown, TheGraceBoundsACallThatWouldTakeLonger) {
  TestDatabase db;
  auto env = ServiceEnv(db.url());
  env["NML_INJECT_DELAY_MS"] = "30000";
  env["NML_SHUTDOWN_GRACE_MS"] = "500";
  Subprocess service(NML_LISTINGS_BIN, {}, env);
  const int port = service.WaitForListeningPort(20s);
  ASSERT_GT(port, 0) << service.Stderr();
  ASSERT_GE(WaitForHealth(Address(port), "SERVING", 10s).count(), 0);

  const auto channel = Connected(Address(port));
  auto call =
      std::async(std::launch::async, [&] { return SlowCall(channel, 60s); });
  ASSERT_NO_FATAL_FAILURE(WaitForHeldCall(service));
  const auto signalled = std::chrono::steady_clock::now();
  service.Signal(SIGTERM);
  const auto exit_status = service.Wait(5s);
  ASSERT_TRUE(exit_status.has_value()) << "grace was not enforced";
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 2s);
  EXPECT_FALSE(call.get().ok());
}

TEST(Shutdown, NewCallsAreRefusedOnceShutdownBegins) {
  TestDatabase db;
  auto env = ServiceEnv(db.url());
  env["NML_INJECT_DELAY_MS"] = "1500";
  env["NML_SHUTDOWN_GRACE_MS"] = "5000";
  Subprocess service(NML_LISTINGS_BIN, {}, env);
  const int port = service.WaitForListeningPort(20s);
  ASSERT_GT(port, 0);
  ASSERT_GE(WaitForHealth(Address(port), "SERVING", 10s).count(), 0);
  const auto channel = Connected(Address(port));
  auto call =
      std::async(std::launch::async, [&] { return SlowCall(channel, 10s); });
  ASSERT_NO_FATAL_FAILURE(WaitForHeldCall(service));
  service.Signal(SIGTERM);
  std::this_thread::sleep_for(300ms);
  // Health is no longer SERVING while the in-flight call drains.
  EXPECT_NE(CheckHealth(Address(port)), "SERVING");
  const grpc::Status status = call.get();
  EXPECT_TRUE(status.ok()) << status.error_code() << " "
                           << status.error_message() << service.Stderr();
  EXPECT_TRUE(service.Wait(6s).has_value());
}

// Starts `binary`, makes a call every 20 ms on one connected channel while
// SIGTERM arrives (after the 10th) and the service drains; returns how each
// of 60 calls ended.
std::vector<grpc::Status> CallsThroughShutdown(const char* binary,
                                               const std::string& grpc_method) {
  TestDatabase db;
  auto env = ServiceEnv(db.url());
  // Calls in flight at SIGTERM take 200 ms, well within the grace even on
  // a loaded machine: this is about calls that arrive during the drain.
  env["NML_INJECT_DELAY_MS"] = "200";
  env["NML_SHUTDOWN_GRACE_MS"] = "3000";
  env["NML_WORKERS"] = "2";
  Subprocess service(binary, {}, env);
  const int port = service.WaitForListeningPort(20s);
  EXPECT_GT(port, 0) << service.Stderr();
  EXPECT_GE(WaitForHealth(Address(port), "SERVING", 10s).count(), 0);
  auto channel =
      grpc::CreateChannel(Address(port), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  auto call = [&] {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 5s);
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, grpc_method, grpc::StubOptions(), &request,
                   &response,
                   [&done](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  };
  EXPECT_TRUE(call().ok());
  std::vector<std::future<grpc::Status>> calls;
  for (int i = 0; i < 60; ++i) {
    if (i == 10) service.Signal(SIGTERM);
    calls.push_back(std::async(std::launch::async, call));
    std::this_thread::sleep_for(20ms);
  }
  std::vector<grpc::Status> statuses;
  for (auto& c : calls) statuses.push_back(c.get());
  EXPECT_TRUE(service.Wait(6s).has_value());
  return statuses;
}

// Retry policies retry UNAVAILABLE, not CANCELLED: a call that arrives
// while the service drains is UNAVAILABLE, and those in flight finish.
// (A call still running when the grace ends is cancelled by gRPC; the
// statement timeout, 5 s, is below the grace, 10 s, so none is.)
//
// Not fixed, and measured here: a call that reaches the server in the very
// instant the listener closes, before gRPC has matched it to a handler, is
// cancelled by gRPC core itself (CANCELLED, with no message or the word
// "CANCELLED"; nml's code never sees it). Under load about one call in 120 of
// this test does; the test allows one per service and fails on more.
TEST(Shutdown, CallsInTheShutdownWindowAreUnavailableNotCancelled) {
  for (const auto& [binary, method] :
       std::vector<std::pair<const char*, std::string>>{
           {NML_LISTINGS_BIN, "/nml.listings.v1.ListingsService/GetDataStatus"},
           {NML_RESPONSES_BIN,
            "/nml.responses.v1.ResponsesService/ListStakeholders"}}) {
    SCOPED_TRACE(method);
    std::map<grpc::StatusCode, int> codes;
    for (const grpc::Status& status : CallsThroughShutdown(binary, method)) {
      ++codes[status.error_code()];
      const bool core_race =
          status.error_code() == grpc::StatusCode::CANCELLED &&
          (status.error_message().empty() ||
           status.error_message() == "CANCELLED");
      EXPECT_TRUE(status.ok() ||
                  status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                  core_race)
          << status.error_code() << " " << status.error_message();
    }
    EXPECT_GT(codes[grpc::StatusCode::OK], 0);
    EXPECT_GT(codes[grpc::StatusCode::UNAVAILABLE], 0);
    EXPECT_LE(codes[grpc::StatusCode::CANCELLED], 1);
  }
}

// ------------------------------------------------------------ overload

TEST(Overload, AConnectionHasAtMostMaxConcurrentStreamsCallsOpen) {
  TestDatabase db;
  auto env = ServiceEnv(db.url());
  env["NML_INJECT_DELAY_MS"] = "400";  // each answer is held 400 ms
  env["NML_MAX_CONCURRENT_STREAMS"] = "2";
  Subprocess service(NML_LISTINGS_BIN, {}, env);
  const int port = service.WaitForListeningPort(20s);
  ASSERT_GT(port, 0) << service.Stderr();
  ASSERT_GE(WaitForHealth(Address(port), "SERVING", 10s).count(), 0);

  auto stub = nml::listings::v1::ListingsService::NewStub(
      grpc::CreateChannel(Address(port), grpc::InsecureChannelCredentials()));
  auto call = [&stub](std::chrono::milliseconds deadline) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline);
    nml::listings::v1::GetDataStatusResponse response;
    return stub->GetDataStatus(&context, {}, &response).error_code();
  };
  // One call first, so the client has the server's settings.
  ASSERT_EQ(call(10s), grpc::StatusCode::OK);
  // Four at once on the one connection: two are served together; the
  // other two wait in the client for a stream, past their deadline, and
  // never reach the server.
  std::vector<std::future<grpc::StatusCode>> calls;
  for (int i = 0; i < 4; ++i) {
    calls.push_back(std::async(std::launch::async, call, 700ms));
  }
  int ok = 0, late = 0;
  for (auto& c : calls) {
    const grpc::StatusCode code = c.get();
    ok += code == grpc::StatusCode::OK;
    late += code == grpc::StatusCode::DEADLINE_EXCEEDED;
  }
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(late, 2);
}

// ------------------------------------------------------------ migrations

int AppliedCount(const std::string& log) {
  static const RE2 kApplied(R"(\((\d+) migration\(s\) applied\))");
  int applied = -1;
  RE2::PartialMatch(log, kApplied, &applied);
  return applied;
}

TEST(Migrations, TwoInstancesStartingTogetherMigrateOnceAndRerunsAreNoOps) {
  TestDatabase db;
  auto env = ServiceEnv(db.url());
  Subprocess a(NML_LISTINGS_BIN, {"--migrate-only"}, env);
  Subprocess b(NML_LISTINGS_BIN, {"--migrate-only"}, env);
  ASSERT_EQ(a.Wait(60s), 0) << a.Stderr();
  ASSERT_EQ(b.Wait(60s), 0) << b.Stderr();
  const int applied_a = AppliedCount(a.Stderr());
  const int applied_b = AppliedCount(b.Stderr());
  EXPECT_GE(applied_a, 0);
  EXPECT_GE(applied_b, 0);
  EXPECT_TRUE(applied_a == 0 || applied_b == 0)
      << "both instances applied migrations: " << applied_a << ", "
      << applied_b;
  EXPECT_GT(applied_a + applied_b, 0);

  pqxx::connection connection(db.url());
  pqxx::nontransaction tx(connection);
  const auto duplicates = tx.exec1(
      "SELECT count(*) - count(DISTINCT version) FROM schema_migrations");
  EXPECT_EQ(duplicates[0].as<int>(), 0);

  const auto again = RunProcess(NML_LISTINGS_BIN, {"--migrate-only"}, env);
  EXPECT_EQ(again.exit_status, 0);
  EXPECT_EQ(AppliedCount(again.err), 0) << again.err;
}

}  // namespace
}  // namespace nml
