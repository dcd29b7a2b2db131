// Freshness lag across nml-listings replicas (bench/replicas.sh): how long
// after a write returns its data version every replica serves it. Each of
// --writes writes (UpdateMarket on the first replica, one market's
// display name) is followed by GetDataStatus polls of every replica until
// each reports that version; the writer's own replica is the reference (it
// serves its write before answering, so its lag is the cost of one poll).
// Prints the median and p99 in microseconds for the writer and for the
// slowest other replica. Bounded: --writes writes, each polled for at most
// 2 s.
#include <grpcpp/create_channel.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "nml/listings/v1/listings_service.grpc.pb.h"

namespace lv1 = nml::listings::v1;
using Clock = std::chrono::steady_clock;

namespace {

int64_t Version(lv1::ListingsService::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(2));
  lv1::GetDataStatusResponse status;
  if (!stub.GetDataStatus(&context, {}, &status).ok()) return -1;
  return status.data_version();
}

// Microseconds until `stub` serves `version`, or -1 after 2 s.
double LagUs(lv1::ListingsService::Stub& stub, int64_t version,
             Clock::time_point written) {
  while (Clock::now() - written < std::chrono::seconds(2)) {
    if (Version(stub) >= version) {
      return std::chrono::duration<double, std::micro>(Clock::now() - written)
          .count();
    }
  }
  return -1;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * (values.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> replicas;
  std::string market = "markets/aliexpress";
  int writes = 200;  // even: the market ends with its own name
  CLI::App app{"freshness lag across nml-listings replicas"};
  app.add_option("--replica", replicas,
                 "host:port of a replica; the first takes the writes")
      ->required();
  app.add_option("--market", market)->capture_default_str();
  app.add_option("--writes", writes)->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);

  std::vector<std::unique_ptr<lv1::ListingsService::Stub>> stubs;
  for (const auto& address : replicas) {
    stubs.push_back(lv1::ListingsService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials())));
  }
  grpc::ClientContext get_context;
  lv1::GetMarketRequest get;
  get.set_name(market);
  lv1::GetMarketResponse got;
  if (auto s = stubs[0]->GetMarket(&get_context, get, &got); !s.ok()) {
    std::fprintf(stderr, "GetMarket %s: %s\n", market.c_str(),
                 s.error_message().c_str());
    return 1;
  }
  const std::string name = got.market().display_name();
  std::vector<double> own, others;
  int lost = 0;
  for (int i = 0; i < writes; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    lv1::UpdateMarketRequest request;
    request.mutable_market()->set_name(market);
    // Alternating between two names: every write changes the row.
    request.mutable_market()->set_display_name(
        i % 2 == 0 ? name + " (freshness bench)" : name);
    request.mutable_update_mask()->add_paths("display_name");
    lv1::UpdateMarketResponse response;
    if (auto s = stubs[0]->UpdateMarket(&context, request, &response);
        !s.ok()) {
      std::fprintf(stderr, "UpdateMarket: %s\n", s.error_message().c_str());
      return 1;
    }
    const Clock::time_point written = Clock::now();
    own.push_back(LagUs(*stubs[0], response.data_version(), written));
    double slowest = 0;
    for (size_t r = 1; r < stubs.size(); ++r) {
      const double lag = LagUs(*stubs[r], response.data_version(), written);
      if (lag < 0) ++lost;
      slowest = std::max(slowest, lag);
    }
    if (stubs.size() > 1) others.push_back(slowest);
  }
  std::printf(
      "%d writes: writer's replica p50 %.0f us p99 %.0f us; every other "
      "replica p50 %.0f us p99 %.0f us; %d never within 2 s\n",
      writes, Percentile(own, 0.5), Percentile(own, 0.99),
      Percentile(others, 0.5), Percentile(others, 0.99), lost);
  return lost == 0 ? 0 : 1;
}
