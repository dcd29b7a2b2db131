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
  listings_env_ = Env(
      {{"NML_DATABASE_URL", listings_db_.url()}, {"NML_LISTEN", "127.0.0.1:0"}},
      options.all_env, options.listings_env);
  listings_ = std::make_unique<Subprocess>(
      NML_LISTINGS_BIN, std::vector<std::string>{}, listings_env_);
  listings_port_ = listings_->WaitForListeningPort(30s);
  ASSERT_GT(listings_port_, 0) << listings_->Stderr();
  for (int i = 1; i < options.listings_replicas; ++i) {
    more_listings_.push_back(std::make_unique<Subprocess>(
        NML_LISTINGS_BIN, std::vector<std::string>{}, listings_env_));
    more_listings_ports_.push_back(
        more_listings_.back()->WaitForListeningPort(30s));
    ASSERT_GT(more_listings_ports_.back(), 0)
        << more_listings_.back()->Stderr();
  }

  if (options.with_responses) {
    responses_ = std::make_unique<Subprocess>(
        NML_RESPONSES_BIN, std::vector<std::string>{},
        Env({{"NML_DATABASE_URL", responses_db_.url()},
             {"NML_LISTEN", "127.0.0.1:0"},
             {"NML_LISTINGS_ADDR", listings_target()}},
            options.all_env, options.responses_env));
    responses_port_ = responses_->WaitForListeningPort(30s);
    ASSERT_GT(responses_port_, 0) << responses_->Stderr();
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
            options.with_responses ? responses_address() : "127.0.0.1:1"}},
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
  if (responses_ == nullptr) return;
  const auto responses =
      RunProcess(NML_NMLCTL_BIN,
                 {"--responses-addr", responses_address(), "--timeout", "60000",
                  "import-responses", NML_SOURCE_DIR "/data/responses.csv"},
                 {}, 180s);
  ASSERT_EQ(responses.exit_status, 0) << responses.err;
}

void Topology::StopListingsReplica(int i) {
  listings_replica(i).Signal(SIGKILL);
  listings_replica(i).Wait(10s);
}

void Topology::StartListingsReplicaAgain(int i) {
  auto env = listings_env_;
  env["NML_LISTEN"] = listings_replica_address(i);
  auto& slot = i == 0 ? listings_ : more_listings_[i - 1];
  slot = std::make_unique<Subprocess>(NML_LISTINGS_BIN,
                                      std::vector<std::string>{}, env);
  ASSERT_EQ(slot->WaitForListeningPort(30s),
            i == 0 ? listings_port_ : more_listings_ports_[i - 1])
      << slot->Stderr();
}

std::string Topology::listings_address() const {
  return Loopback(listings_port_);
}
std::string Topology::listings_replica_address(int i) const {
  return Loopback(i == 0 ? listings_port_ : more_listings_ports_[i - 1]);
}
std::string Topology::listings_target() const {
  if (more_listings_ports_.empty()) return listings_address();
  std::string target = "ipv4:" + listings_address();
  for (int port : more_listings_ports_)
    absl::StrAppend(&target, ",", Loopback(port));
  return target;
}
std::string Topology::responses_address() const {
  return Loopback(responses_port_);
}
std::string Topology::gateway_address() const {
  return Loopback(gateway_port_);
}

}  // namespace nml::testing
