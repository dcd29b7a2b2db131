// Issue 27: a backend that comes back is used at once. The gateway's and
// nml-responses' channels to nml-listings reconnect with a backoff capped at
// 500 ms (common::MakeBackendChannel); gRPC's default (up to 120 s) kept
// REST reads 503 for 25 s after a 90 s outage.
#include <absl/strings/str_cat.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/health.h"
#include "tests/support/topology.h"

namespace nml {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

TEST(Recovery, AfterAnOutageReadsAndWritesSucceedWithinASecondOfServing) {
  nml::testing::Topology system;
  ASSERT_NO_FATAL_FAILURE(system.Start());
  ASSERT_NO_FATAL_FAILURE(system.LoadData());
  httplib::Client client("127.0.0.1", system.http_port());
  client.set_read_timeout(10, 0);
  const auto stakeholder = client.Post(
      "/v1/stakeholders",
      R"({"displayName":"Recovery Test","type":"STAKEHOLDER_TYPE_OTHER"})",
      "application/json");
  ASSERT_TRUE(stakeholder && stakeholder->status == 200);
  const std::string response_body = json{
      {"stakeholder", json::parse(stakeholder->body)["stakeholder"]["name"]},
      {"reviewYear", 2021},
      {"targets", {"markets/aliexpress"}},
      {"stance", "STANCE_DISAGREES"},
      {"summary", "Filed after an outage."},
      {"sourceUrl",
       "https://example.org/recovery"}}.dump();

  // An outage long enough for gRPC's default backoff to space its attempts
  // seconds apart (after 1, 2.6, 5.2, 9.3, 15.9 s, each +-20%), then a
  // restart: with that backoff neither had succeeded 5 s after SERVING.
  // NML_RECOVERY_OUTAGE_S=90 runs the outage the issue measured (CI pays
  // for 11 s: the capped backoff makes any longer outage the same).
  const char* outage_env = std::getenv("NML_RECOVERY_OUTAGE_S");
  const int outage_s = outage_env != nullptr ? std::atoi(outage_env) : 11;
  system.StopListings();
  const auto down = client.Get("/v1/reviews/2021");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503) << down->body;
  std::this_thread::sleep_for(std::chrono::seconds(outage_s));
  ASSERT_NO_FATAL_FAILURE(system.StartListingsAgain());
  ASSERT_GE(
      nml::testing::WaitForHealth(system.listings_address(), "SERVING", 30s)
          .count(),
      0);
  const auto serving = std::chrono::steady_clock::now();
  bool read = false, written = false;
  while ((!read || !written) &&
         std::chrono::steady_clock::now() - serving < 5s) {
    if (!read) {
      const auto r = client.Get("/v1/reviews/2021");
      read = r && r->status == 200;
    }
    if (!written) {
      const auto w =
          client.Post("/v1/responses", response_body, "application/json");
      written = w && w->status == 200;
    }
    if (!read || !written) std::this_thread::sleep_for(20ms);
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - serving);
  std::printf("after a %d s outage, %lld ms after SERVING: read %s, write %s\n",
              outage_s, static_cast<long long>(took.count()),
              read ? "ok" : "failing", written ? "ok" : "failing");
  EXPECT_TRUE(read && written);
  EXPECT_LT(took, 1s);
}

}  // namespace
}  // namespace nml
