#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace nml::testing {

// What a process-level test changes about the system it starts. Every
// environment map adds to, or overrides, the defaults: loopback, ports the
// kernel picks, and each service on a database of its own.
struct TopologyOptions {
  std::map<std::string, std::string> all_env;  // given to every process
  std::map<std::string, std::string> listings_env;
  std::map<std::string, std::string> responses_env;
  std::map<std::string, std::string> gateway_env;
  // Without nml-responses, the gateway's responses address refuses
  // connections (a backend that is down).
  bool with_responses = true;
  bool with_gateway = true;
  // nml-listings instances on the one database, as deploy/k8s runs them;
  // nml-responses and the gateway balance over all of them (round_robin).
  int listings_replicas = 1;
  // nml-responses instances on the one database; the gateway balances over
  // them.
  int responses_replicas = 1;
};

// nml-listings, nml-responses and nml-gateway as `scripts/up.sh` runs them,
// for the tests that need the real processes. One place starts them, so a
// new flag or start-up order changes in one file.
class Topology final {
 public:
  Topology() = default;
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // Starts the processes in dependency order and waits for their ports;
  // fails the test (fatally) when one does not come up. Use with
  // ASSERT_NO_FATAL_FAILURE.
  void Start(const TopologyOptions& options = {});
  // Loads data/ into nml-listings and data/responses.csv into nml-responses
  // with nmlctl, as a user would.
  void LoadData();

  // Kills nml-listings (SIGKILL), then starts it again on the same port and
  // database, as an outage and a restart by the orchestrator would; the
  // other processes keep running.
  void StopListings() { StopListingsReplica(0); }
  void StartListingsAgain() { StartListingsReplicaAgain(0); }
  // The same for replica `i` (listings_replicas, responses_replicas).
  void StopListingsReplica(int i) { listings_.Stop(i); }
  void StartListingsReplicaAgain(int i) { listings_.StartAgain(i); }
  void StopResponsesReplica(int i) { responses_.Stop(i); }
  void StartResponsesReplicaAgain(int i) { responses_.StartAgain(i); }

  Subprocess& listings() { return listings_replica(0); }
  // Replica `i` (0 is listings()) and its address.
  Subprocess& listings_replica(int i) { return *listings_.processes[i]; }
  std::string listings_replica_address(int i) const {
    return listings_.address(i);
  }
  // What the other services are given: every replica, balanced.
  std::string listings_target() const { return listings_.target(); }
  Subprocess& responses() { return responses_replica(0); }
  Subprocess& responses_replica(int i) { return *responses_.processes[i]; }
  std::string responses_replica_address(int i) const {
    return responses_.address(i);
  }
  // host:port of each gRPC listener; the gateway's REST port.
  std::string listings_address() const { return listings_.address(0); }
  std::string responses_address() const { return responses_.address(0); }
  Subprocess& gateway() { return *gateway_; }
  std::string gateway_address() const;
  int http_port() const { return http_port_; }

 private:
  // The instances of one service, alike but for their ports.
  struct Replicas {
    const char* binary = nullptr;
    std::map<std::string, std::string> env;
    std::vector<std::unique_ptr<Subprocess>> processes;
    std::vector<int> ports;
    // Starts `n` and waits for their ports (fatal failure if one does not
    // come up).
    void Start(int n);
    void Stop(int i);
    // On its former port.
    void StartAgain(int i);
    std::string address(int i) const;
    // One address, or every replica's for round_robin ("ipv4:a,b").
    std::string target() const;
  };

  TestDatabase listings_db_;
  TestDatabase responses_db_;
  Replicas listings_;
  Replicas responses_;
  std::unique_ptr<Subprocess> gateway_;
  int gateway_port_ = 0;
  int http_port_ = 0;
};

}  // namespace nml::testing
