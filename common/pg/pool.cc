#include "common/pg/pool.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_replace.h>
#include <absl/strings/strip.h>
#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <thread>
#include <utility>
#include <vector>

#include "common/pg/database_url.h"
#include "common/pg/errors.h"

namespace nml::common {
namespace {

// libpq accepts both URIs and key=value strings; options are appended in the
// matching syntax.
//
// TCP keepalives and tcp_user_timeout (unless the URL sets them) end a
// connection whose peer went away without a word (a network partition, a
// host gone): libpq would otherwise wait on it forever. They cannot tell a
// hung server on a live host (its kernel still acknowledges); the health
// probe's own time limit does (common/grpc/timed_check.h).
std::string WithConnectOptions(const DatabaseOptions& options,
                               const std::string& app_name) {
  const std::string& url = options.url;
  std::vector<std::pair<std::string, std::string>> params = {
      {"connect_timeout", std::to_string(options.connect_timeout_s)},
      {"application_name", app_name}};
  if (url.find("keepalives") == std::string::npos) {
    params.insert(params.end(), {{"keepalives", "1"},
                                 {"keepalives_idle", "10"},
                                 {"keepalives_interval", "5"},
                                 {"keepalives_count", "3"}});
  }
  if (url.find("tcp_user_timeout") == std::string::npos) {
    params.emplace_back("tcp_user_timeout", "30000");  // ms
  }
  const bool is_uri =
      url.starts_with("postgresql://") || url.starts_with("postgres://");
  std::string out = url;
  char separator =
      is_uri ? (url.find('?') == std::string::npos ? '?' : '&') : ' ';
  for (const auto& [key, value] : params) {
    absl::StrAppend(&out, std::string(1, separator), key, "=", value);
    if (is_uri) separator = '&';
  }
  return out;
}

std::string OneLine(std::string text) {
  absl::StrReplaceAll({{"\n", " "}, {"\t", " "}}, &text);
  return std::string(absl::StripAsciiWhitespace(text));
}

}  // namespace

std::unique_ptr<pqxx::connection> OpenConnection(const DatabaseOptions& options,
                                                 const std::string& app_name) {
  auto connection =
      std::make_unique<pqxx::connection>(WithConnectOptions(options, app_name));
  pqxx::nontransaction tx(*connection);
  // No parallel workers: the services read pages and rows, where starting
  // workers costs more than it saves (a 51-row page of a million-row table
  // took 6 ms with two workers, 0.6 ms without); the pool's connections are
  // the parallelism.
  tx.exec_params(
      "SELECT set_config('statement_timeout', $1, false), "
      "set_config('max_parallel_workers_per_gather', '0', false)",
      std::to_string(options.statement_timeout_ms));
  return connection;
}

PgPool::PgPool(DatabaseOptions options, std::string app_name,
               OnConnect on_connect)
    : options_(std::move(options)),
      app_name_(std::move(app_name)),
      on_connect_(std::move(on_connect)) {}

PgPool::Lease::Lease(PgPool* pool, std::unique_ptr<pqxx::connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

PgPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      connection_(std::move(other.connection_)),
      broken_(other.broken_) {
  other.pool_ = nullptr;
}

PgPool::Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr) {
    pool_->Release(std::move(connection_), broken_);
  }
}

absl::StatusOr<PgPool::Lease> PgPool::Acquire() {
  const auto start = std::chrono::steady_clock::now();
  {
    absl::MutexLock lock(&mu_);
    const absl::Time wait_deadline =
        absl::Now() + absl::Milliseconds(options_.acquire_timeout_ms);
    for (;;) {
      while (!idle_.empty()) {
        std::unique_ptr<pqxx::connection> connection = std::move(idle_.back());
        idle_.pop_back();
        if (connection->is_open()) {
          CountAcquireLocked(start);
          return Lease(this, std::move(connection));
        }
        --open_;
        ++broken_total_;
      }
      if (open_ < options_.pool_size) {
        ++open_;  // reserve the slot; opened below without the lock
        CountAcquireLocked(start);
        break;
      }
      ++waiting_;
      const bool timed_out = released_.WaitWithDeadline(&mu_, wait_deadline);
      --waiting_;
      if (timed_out) {
        CountAcquireLocked(start);
        return absl::ResourceExhaustedError(
            "all database connections are busy; retry later");
      }
    }
  }
  try {
    auto connection = OpenConnection(options_, app_name_);
    if (on_connect_) on_connect_(*connection);
    absl::MutexLock lock(&mu_);
    ++opened_total_;
    return Lease(this, std::move(connection));
  } catch (const std::exception& e) {
    {
      absl::MutexLock lock(&mu_);
      --open_;
    }
    released_.Signal();
    spdlog::warn("database connection failed: {}", OneLine(e.what()));
    if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
      return absl::UnavailableError("database unavailable");
    }
    return StatusFromException(e);
  }
}

void PgPool::Release(std::unique_ptr<pqxx::connection> connection,
                     bool broken) {
  {
    absl::MutexLock lock(&mu_);
    if (broken || !connection->is_open()) {
      --open_;
      ++broken_total_;
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  released_.Signal();
}

absl::Status PgPool::Run(
    const std::function<absl::Status(pqxx::connection&)>& work) {
  for (int attempt = 0;; ++attempt) {
    auto lease = Acquire();
    if (!lease.ok()) return lease.status();
    try {
      return work(**lease);
    } catch (const pqxx::broken_connection& e) {
      lease->MarkBroken();
      if (attempt > 0) return StatusFromException(e);
      spdlog::warn("database connection lost, retrying on a new one: {}",
                   OneLine(e.what()));
    } catch (const pqxx::in_doubt_error& e) {
      // Lost during the commit: running it again could write it twice.
      lease->MarkBroken();
      return StatusFromException(e);
    } catch (const std::exception& e) {
      // A connection the server closed (a restart's "terminating
      // connection", "server closed the connection unexpectedly") may
      // surface as an SQL error rather than broken_connection: the same
      // case, so the same retry.
      if ((*lease)->is_open()) return StatusFromException(e);
      lease->MarkBroken();
      if (attempt > 0) {
        return absl::UnavailableError("database unavailable");
      }
      spdlog::warn("database connection closed, retrying on a new one: {}",
                   OneLine(e.what()));
    }
  }
}

// Counted for the metrics when a wait for a connection ends, whichever way.
void PgPool::CountAcquireLocked(std::chrono::steady_clock::time_point start) {
  ++acquires_total_;
  acquire_wait_seconds_ +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
}

PgPool::Stats PgPool::GetStats() const {
  absl::MutexLock lock(&mu_);
  Stats stats;
  stats.open = open_;
  stats.idle = static_cast<int>(idle_.size());
  stats.in_use = open_ - stats.idle;
  stats.max = options_.pool_size;
  stats.opened_total = opened_total_;
  stats.broken_total = broken_total_;
  stats.waiting = waiting_;
  stats.acquires_total = acquires_total_;
  stats.acquire_wait_seconds_total = acquire_wait_seconds_;
  return stats;
}

void AddPoolMetrics(RpcMetrics& metrics, const PgPool& pool) {
  metrics.AddGauge("nml_db_pool_size", "Most connections the pool opens",
                   [&pool] { return pool.GetStats().max; });
  metrics.AddGauge("nml_db_pool_open", "Connections open now",
                   [&pool] { return pool.GetStats().open; });
  metrics.AddGauge("nml_db_pool_in_use", "Connections leased now",
                   [&pool] { return pool.GetStats().in_use; });
  metrics.AddGauge("nml_db_pool_waiting", "Callers waiting for a connection",
                   [&pool] { return pool.GetStats().waiting; });
  metrics.AddCounter("nml_db_pool_opened_total", "Connections opened", [&pool] {
    return static_cast<double>(pool.GetStats().opened_total);
  });
  metrics.AddCounter(
      "nml_db_pool_broken_total", "Connections found broken and dropped",
      [&pool] { return static_cast<double>(pool.GetStats().broken_total); });
  metrics.AddCounter(
      "nml_db_pool_acquires_total", "Connection acquires, served or timed out",
      [&pool] { return static_cast<double>(pool.GetStats().acquires_total); });
  metrics.AddCounter(
      "nml_db_pool_acquire_wait_seconds_total",
      "Seconds acquires waited for a connection (divide by acquires for "
      "the mean acquire latency)",
      [&pool] { return pool.GetStats().acquire_wait_seconds_total; });
}

DatabaseProbe::DatabaseProbe(DatabaseOptions options, std::string app_name)
    : options_(std::move(options)), app_name_(std::move(app_name)) {}

absl::Status DatabaseProbe::Check() {
  try {
    if (connection_ == nullptr || !connection_->is_open()) {
      connection_.reset();
      connection_ = OpenConnection(options_, app_name_);
    }
    pqxx::nontransaction tx(*connection_);
    tx.exec("SELECT 1");
    return absl::OkStatus();
  } catch (const std::exception& e) {
    connection_.reset();
    return absl::UnavailableError(OneLine(e.what()));
  }
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> ConnectWithRetry(
    const DatabaseOptions& options, const std::string& app_name) {
  const auto give_up = std::chrono::steady_clock::now() +
                       std::chrono::seconds(options.startup_wait_s);
  for (int attempt = 1;; ++attempt) {
    try {
      return OpenConnection(options, app_name);
    } catch (const std::exception& e) {
      const std::string reason = OneLine(e.what());
      if (std::chrono::steady_clock::now() >= give_up) {
        return absl::UnavailableError(absl::StrCat(
            "cannot connect to database ", RedactDatabaseUrl(options.url),
            " after ", attempt, " attempt(s): ", reason));
      }
      spdlog::info("waiting for database ({}): {}", attempt, reason);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
}

}  // namespace nml::common
