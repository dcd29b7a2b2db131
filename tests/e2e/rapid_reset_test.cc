// Issue 27: an HTTP/2 rapid-reset flood (HEADERS + RST_STREAM pairs, as fast
// as a socket takes them) against each gRPC port. Before the front
// (common/grpc/grpc_front.h), 20,000 pairs grew nml-listings from 26 to 467 MB
// and the memory never came back; now each flooding connection ends in
// GOAWAY(ENHANCE_YOUR_CALM) and a close, memory stays near idle, and other
// clients' calls go on.
#include <absl/strings/match.h>
#include <absl/strings/numbers.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "tests/support/health.h"
#include "tests/support/subprocess.h"
#include "tests/support/topology.h"

namespace nml {
namespace {

using namespace std::chrono_literals;

// A /proc/PID/status figure in kB ("VmRSS", "VmHWM").
long StatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::stol(line.substr(field.size() + 1));
    }
  }
  return -1;
}

long JsonInt(const std::string& json, const std::string& key) {
  std::smatch match;
  if (!std::regex_search(json, match,
                         std::regex("\"" + key + "\": ([0-9]+)"))) {
    return -1;
  }
  return std::stol(match[1]);
}

struct Target {
  const char* name;
  const char* method;
};

void PrintTo(const Target& target, std::ostream* out) { *out << target.name; }

class RapidReset : public ::testing::TestWithParam<Target> {};

TEST_P(RapidReset, EachFloodingConnectionIsClosedAndMemoryStaysNearIdle) {
  nml::testing::Topology system;
  nml::testing::TopologyOptions options;
  // In the sanitizer build AddressSanitizer keeps freed memory in a
  // quarantine (256 MB by default), so RSS would not come back after the
  // flood for a reason of its own; a small one keeps the figures about the
  // servers, and freed pages go back to the system as they would without
  // it. (No effect in the plain build.)
  options.all_env["ASAN_OPTIONS"] =
      "quarantine_size_mb=1:allocator_release_to_os_interval_ms=100";
  ASSERT_NO_FATAL_FAILURE(system.Start(options));
  const std::string name = GetParam().name;
  nml::testing::Subprocess& server = name == "listings"    ? system.listings()
                                     : name == "responses" ? system.responses()
                                                           : system.gateway();
  const std::string address = name == "listings"    ? system.listings_address()
                              : name == "responses" ? system.responses_address()
                                                    : system.gateway_address();
  ASSERT_EQ(nml::testing::CheckHealth(address), "SERVING");
  const long idle_kb = StatusKb(server.pid(), "VmRSS");
  ASSERT_GT(idle_kb, 0);

  // Another client checks health all through the flood.
  std::atomic<bool> flooding{true};
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  std::thread other([&] {
    while (flooding) {
      if (nml::testing::CheckHealth(address) == "SERVING") {
        ++answered;
      } else {
        ++failed;
      }
      std::this_thread::sleep_for(20ms);
    }
  });
  const auto flood = nml::testing::RunProcess(
      "/usr/bin/python3",
      {NML_SOURCE_DIR "/tests/support/h2_rapid_reset.py",
       address.substr(address.rfind(':') + 1), GetParam().method, "100000",
       "60"},
      {}, 90s);
  std::this_thread::sleep_for(300ms);
  flooding = false;
  other.join();
  ASSERT_EQ(flood.exit_status, 0) << flood.err;
  SCOPED_TRACE(flood.out);

  EXPECT_EQ(JsonInt(flood.out, "sent"), 100000);
  const long connections = JsonInt(flood.out, "connections");
  EXPECT_GT(connections, 0);
  EXPECT_EQ(JsonInt(flood.out, "goaway_enhance_your_calm"), connections);
  EXPECT_EQ(JsonInt(flood.out, "closed"), connections);

  const long peak_kb = StatusKb(server.pid(), "VmHWM");
  EXPECT_LT(peak_kb - idle_kb, 100 * 1024) << "peak RSS above idle, kB";
  std::this_thread::sleep_for(1s);
  const long after_kb = StatusKb(server.pid(), "VmRSS");
  EXPECT_LT(after_kb - idle_kb, 20 * 1024)
      << "RSS above idle after the flood, kB";
  std::printf("%s: RSS idle %ld kB, peak %ld kB, 1 s after %ld kB; %s\n",
              name.c_str(), idle_kb, peak_kb, after_kb, flood.out.c_str());

  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(nml::testing::CheckHealth(address), "SERVING");
  EXPECT_TRUE(absl::StrContains(
      server.Stderr(), "closing the connection of peer=ipv4:127.0.0.1:"))
      << server.Stderr();
}

INSTANTIATE_TEST_SUITE_P(
    EveryGrpcPort, RapidReset,
    ::testing::Values(
        Target{"listings", "/nml.listings.v1.ListingsService/ScreenDomains"},
        Target{"responses",
               "/nml.responses.v1.ResponsesService/ListStakeholders"},
        Target{"gateway", "/nml.gateway.v1.GatewayService/GetMarketDossier"}),
    [](const ::testing::TestParamInfo<Target>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace nml
