#include "tests/support/topology.h"

#include <absl/strings/str_cat.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <vector>

namespace nml::testing {

using namespace std::chrono_literals;

namespace {

std::string Loopback(int port) { return absl::StrCat("127.0.0.1:", port); }

// `defaults`, then `all`, then `own`: the later wins.
std::map<std::string, std::string> Env(
    std::map<std::string, std::string> defaults,
    const std::map<std::string, std::string>& all,
    const std::map<std::string, std::string>& own) {
  for (const auto& [key, value] : all) defaults[key] = value;
  for (const auto& [key, value] : own) defaults[key] = value;
  return defaults;
}

}  // namespace

void Topology::Start(const TopologyOptions& options) {
  listings_.binary = NML_LISTINGS_BIN;
  listings_.env = Env(
      {{"NML_DATABASE_URL", listings_db_.url()}, {"NML_LISTEN", "127.0.0.1:0"}},
      options.all_env, options.listings_env);
  ASSERT_NO_FATAL_FAILURE(listings_.Start(options.listings_replicas));

  if (options.with_responses) {
    responses_.binary = NML_RESPONSES_BIN;
    responses_.env = Env({{"NML_DATABASE_URL", responses_db_.url()},
                          {"NML_LISTEN", "127.0.0.1:0"},
                          {"NML_LISTINGS_ADDR", listings_target()}},
                         options.all_env, options.responses_env);
    ASSERT_NO_FATAL_FAILURE(responses_.Start(options.responses_replicas));
  }

  if (!options.with_gateway) return;
  gateway_ = std::make_unique<Subprocess>(
      NML_GATEWAY_BIN, std::vector<std::string>{},
      Env({{"NML_LISTEN", "127.0.0.1:0"},
           // Never the default :8080, which may be taken.
           {"NML_HTTP_LISTEN", "127.0.0.1:0"},
           {"NML_LISTINGS_ADDR", listings_target()},
           // Port 1 refuses connections: responses is down.
           {"NML_RESPONSES_ADDR",
            options.with_responses ? responses_.target() : "127.0.0.1:1"}},
          options.all_env, options.gateway_env));
  gateway_port_ = gateway_->WaitForListeningPort(30s);
  ASSERT_GT(gateway_port_, 0) << gateway_->Stderr();
  http_port_ = gateway_->WaitForHttpPort(30s);
  ASSERT_GT(http_port_, 0) << gateway_->Stderr();
}

void Topology::LoadData() {
  const auto listings = RunProcess(NML_NMLCTL_BIN,
                                   {"--addr", listings_address(), "--timeout",
                                    "60000", "import", NML_SOURCE_DIR "/data"},
                                   {}, 180s);
  ASSERT_EQ(listings.exit_status, 0) << listings.err;
  if (responses_.processes.empty()) return;
  const auto responses =
      RunProcess(NML_NMLCTL_BIN,
                 {"--responses-addr", responses_address(), "--timeout", "60000",
                  "import-responses", NML_SOURCE_DIR "/data/responses.csv"},
                 {}, 180s);
  ASSERT_EQ(responses.exit_status, 0) << responses.err;
}

void Topology::Replicas::Start(int n) {
  for (int i = 0; i < n; ++i) {
    processes.push_back(
        std::make_unique<Subprocess>(binary, std::vector<std::string>{}, env));
    ports.push_back(processes.back()->WaitForListeningPort(30s));
    ASSERT_GT(ports.back(), 0) << processes.back()->Stderr();
  }
}

void Topology::Replicas::Stop(int i) {
  processes[i]->Signal(SIGKILL);
  processes[i]->Wait(10s);
}

void Topology::Replicas::StartAgain(int i) {
  auto again = env;
  again["NML_LISTEN"] = address(i);
  processes[i] =
      std::make_unique<Subprocess>(binary, std::vector<std::string>{}, again);
  ASSERT_EQ(processes[i]->WaitForListeningPort(30s), ports[i])
      << processes[i]->Stderr();
}

std::string Topology::Replicas::address(int i) const {
  return Loopback(ports[i]);
}

std::string Topology::Replicas::target() const {
  if (ports.size() == 1) return address(0);
  std::string target = "ipv4:";
  for (size_t i = 0; i < ports.size(); ++i) {
    absl::StrAppend(&target, i == 0 ? "" : ",", Loopback(ports[i]));
  }
  return target;
}

std::string Topology::gateway_address() const {
  return Loopback(gateway_port_);
}

}  // namespace nml::testing
