#pragma once

#include <string>

namespace nml::testing {

// A PostgreSQL cluster of one test's own (scripts/pg.sh), so it can be
// stopped, hung or restarted without disturbing the other tests.
class PrivateCluster final {
 public:
  // `listen_port` below the kernel's ephemeral range (32768-60999), so no
  // client socket can hold it while the cluster is down; one per test, as
  // tests run in parallel.
  explicit PrivateCluster(const std::string& listen_port);
  // A hot standby of `primary` (scripts/pg.sh standby): a copy taken with
  // pg_basebackup that follows it by streaming replication.
  PrivateCluster(const std::string& listen_port, const PrivateCluster& primary);
  ~PrivateCluster();
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;

  void Start(const std::string& port);
  void Restart() { Start(port_); }
  // Stops it (pg_ctl's fast mode), or with `crash` at once (immediate
  // mode: no checkpoint, as a crash would).
  void Stop(bool crash = false);
  // Stops (SIGSTOP) or resumes (SIGCONT) the server and every backend:
  // connections stay open and nothing answers, as when a database hangs.
  void Signal(int sig);
  // The superuser URL of its `postgres` database.
  const std::string& url() const { return url_; }
  const std::string& port() const { return port_; }

 private:
  PrivateCluster(const std::string& listen_port,
                 const std::string& primary_url);

  std::string dir_;
  std::string url_;
  std::string port_;
  std::string primary_url_;  // set for a standby
};

}  // namespace nml::testing
