#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <absl/synchronization/mutex.h>

#include <chrono>
#include <functional>
#include <memory>
#include <pqxx/connection>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/grpc/metrics.h"

namespace nml::common {

// Opens one connection with the options every nml connection gets: a
// connect timeout, a per-statement timeout and an application name. Throws
// what libpqxx throws.
std::unique_ptr<pqxx::connection> OpenConnection(const DatabaseOptions& options,
                                                 const std::string& app_name);

// A bounded pool of PostgreSQL connections.
//
// A connection that reports itself broken (or whose lease is marked broken
// because a query threw `pqxx::broken_connection`) is dropped, and a fresh
// one is opened on a later acquire: the pool heals itself after a database
// restart. `on_connect` runs once per new connection, to prepare the
// statements its users need.
class PgPool final {
 public:
  using OnConnect = std::function<void(pqxx::connection&)>;

  PgPool(DatabaseOptions options, std::string app_name,
         OnConnect on_connect = nullptr);
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Exclusive use of one connection until destroyed.
  class Lease final {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pqxx::connection& operator*() const { return *connection_; }
    pqxx::connection* operator->() const { return connection_.get(); }
    // The connection is not returned to the pool.
    void MarkBroken() { broken_ = true; }

   private:
    friend class PgPool;
    Lease(PgPool* pool, std::unique_ptr<pqxx::connection> connection);
    PgPool* pool_;
    std::unique_ptr<pqxx::connection> connection_;
    bool broken_ = false;
  };

  // Waits up to the configured acquire timeout for a free connection:
  // RESOURCE_EXHAUSTED when every connection stays busy, UNAVAILABLE when a
  // new connection cannot be opened.
  absl::StatusOr<Lease> Acquire();

  // Runs `work` on a leased connection and maps any exception to a status.
  // A broken connection is dropped and `work` is retried once on a fresh
  // one, so a restarted database costs callers nothing; `work` must
  // therefore be safe to run twice (one transaction that either committed
  // or did not).
  absl::Status Run(const std::function<absl::Status(pqxx::connection&)>& work);

  struct Stats {
    int open = 0;
    int idle = 0;
    int in_use = 0;
    int max = 0;
    uint64_t opened_total = 0;
    uint64_t broken_total = 0;
    // Callers waiting for a connection now.
    int waiting = 0;
    // Acquires that got a connection or gave up, and the seconds they
    // spent waiting in all (the acquire latency is their ratio).
    uint64_t acquires_total = 0;
    double acquire_wait_seconds_total = 0;
  };
  Stats GetStats() const;

  const DatabaseOptions& options() const { return options_; }

 private:
  void Release(std::unique_ptr<pqxx::connection> connection, bool broken);

  const DatabaseOptions options_;
  const std::string app_name_;
  const OnConnect on_connect_;

  void CountAcquireLocked(std::chrono::steady_clock::time_point start)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  absl::CondVar released_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t opened_total_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t broken_total_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t acquires_total_ ABSL_GUARDED_BY(mu_) = 0;
  double acquire_wait_seconds_ ABSL_GUARDED_BY(mu_) = 0;
};

// Registers the pool's gauges (size, open, in use, waiting) and counters
// (connections opened and broken, acquires and the seconds they waited) on
// `metrics`, read at each scrape.
void AddPoolMetrics(RpcMetrics& metrics, const PgPool& pool);

// Whether the database answers, on a connection of its own (so a busy pool
// does not make a healthy database look down). Used for readiness.
class DatabaseProbe final {
 public:
  DatabaseProbe(DatabaseOptions options, std::string app_name);
  absl::Status Check();

 private:
  const DatabaseOptions options_;
  const std::string app_name_;
  std::unique_ptr<pqxx::connection> connection_;
};

// Tries to connect until it succeeds or `options.startup_wait_s` has passed.
// Returns the last error, in one line, when it gives up.
absl::StatusOr<std::unique_ptr<pqxx::connection>> ConnectWithRetry(
    const DatabaseOptions& options, const std::string& app_name);

}  // namespace nml::common
