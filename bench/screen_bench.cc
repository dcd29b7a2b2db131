// Screening against the in-memory snapshot, with the shared data set loaded
// through the real import planner, and over gRPC on loopback next to a bare
// health check (the "echo" every gRPC call costs at least).
#include <benchmark/benchmark.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "common/grpc/executor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/listings/domain.h"
#include "services/listings/listings_service.h"
#include "services/listings/planner.h"
#include "services/listings/reads.h"
#include "tests/fakes/memory_listings_store.h"
#include "tools/nmlctl/csv.h"
#include "tools/nmlctl/import.h"

namespace nml::listings {
namespace {

std::shared_ptr<const Snapshot> SharedDataSnapshot() {
  static const auto snapshot = [] {
    const std::string dir = NML_SOURCE_DIR "/data";
    auto imports = cli::BuildReviewImports(
        dir + "/markets.csv", *cli::ReadFile(dir + "/markets.csv"),
        dir + "/review_counts.csv", *cli::ReadFile(dir + "/review_counts.csv"));
    SnapshotData data;
    if (!imports.ok() || !imports->problems.empty()) std::abort();
    for (const auto& import : imports->imports) {
      auto plan = PlanImportReview(data, import.request, absl::Now());
      if (!plan.ok() || plan->response.problems_size() > 0) std::abort();
      ApplyChanges(plan->changes, data);
      ++data.version;
    }
    return Snapshot::Build(std::move(data), absl::Now());
  }();
  return snapshot;
}

const std::vector<std::string> kInputs = {
    "https://WWW.AliExpress.com:443/item/1.html",  // listed, subdomain
    "pan.baidu.com/s/x",                           // listed, exact host
    "www.baidu.com",                               // not listed, same domain
    "https://www.amazon.de/dp/B000",               // listed in 2020 only
    "http://bücher.de./",                          // IDN, trailing dot
    "shop.example.co.uk",                          // not listed
};

void BM_CanonicalizeHost(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(CanonicalizeHost(kInputs[i++ % kInputs.size()]));
  }
}
BENCHMARK(BM_CanonicalizeHost);

void BM_ScreenSnapshot(benchmark::State& state) {
  const auto snapshot = SharedDataSnapshot();
  v1::ScreenDomainsRequest request;
  for (int i = 0; i < state.range(0); ++i) {
    request.add_items()->set_input(
        kInputs[static_cast<size_t>(i) % kInputs.size()]);
  }
  for (auto _ : state) {
    v1::ScreenDomainsResponse response;
    benchmark::DoNotOptimize(ScreenDomains(*snapshot, request, response));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ScreenSnapshot)->Arg(1)->Arg(100)->Arg(1000);

// A loopback server with the real service on an in-memory store.
class LoopbackServer {
 public:
  LoopbackServer()
      : executor_(2, 256), service_(store_, holder_, executor_, 4 << 20) {
    holder_.SetIfNewer(SharedDataSnapshot());
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                                       grpc::InsecureChannelCredentials());
    stub_ = v1::ListingsService::NewStub(channel);
    health_ = grpc::health::v1::Health::NewStub(channel);
  }
  v1::ListingsService::Stub& stub() { return *stub_; }
  grpc::health::v1::Health::Stub& health() { return *health_; }

 private:
  MemoryListingsStore store_;
  SnapshotHolder holder_;
  common::Executor executor_;
  ListingsServiceImpl service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::ListingsService::Stub> stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

LoopbackServer& Server() {
  static auto* server = new LoopbackServer();
  return *server;
}

void BM_GrpcHealthCheckEcho(benchmark::State& state) {
  auto& server = Server();
  for (auto _ : state) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckResponse response;
    if (!server.health().Check(&context, {}, &response).ok()) {
      state.SkipWithError("health check failed");
    }
  }
}
BENCHMARK(BM_GrpcHealthCheckEcho)->UseRealTime();

void BM_GrpcScreenDomains(benchmark::State& state) {
  auto& server = Server();
  v1::ScreenDomainsRequest request;
  for (int i = 0; i < state.range(0); ++i) {
    request.add_items()->set_input(
        kInputs[static_cast<size_t>(i) % kInputs.size()]);
  }
  for (auto _ : state) {
    grpc::ClientContext context;
    v1::ScreenDomainsResponse response;
    if (!server.stub().ScreenDomains(&context, request, &response).ok()) {
      state.SkipWithError("screen failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GrpcScreenDomains)->Arg(1)->Arg(100)->UseRealTime();

}  // namespace
}  // namespace nml::listings

BENCHMARK_MAIN();
