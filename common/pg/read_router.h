#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "common/grpc/metrics.h"
#include "common/pg/pool.h"

namespace nml::common {

// Where a read runs when a service has a hot standby (--read-database-url):
// on the standby when it has replayed what the read needs, else on the
// primary. What a read needs:
//  - at least the data version it asks for (x-nml-min-data-version, what
//    an earlier write answered): a standby behind it sends the read to the
//    primary, which holds every committed write; a primary behind it has no
//    such version, which is the caller's error (FAILED_PRECONDITION);
//  - a miss (no row) is never the standby's word: replay lag could hide a
//    row written a moment ago, so the primary answers it;
//  - a standby that fails (stopped, unreachable, a query cancelled by
//    replay) sends the read to the primary; one that is unreachable is
//    left alone for a second, so reads do not each pay a connect attempt.
// Without a standby every read runs on the primary.
class ReadRouter final {
 public:
  // What a read saw, for the routing: the data version its rows are at and
  // whether it found nothing.
  struct Seen {
    int64_t version = 0;
    bool miss = false;
  };

  // `standby` may be null.
  ReadRouter(PgPool& primary, PgPool* standby);

  // `run(pool)` reads on `pool` (through common::Transact) and returns
  // absl::StatusOr<T>; `seen(const T&)` says what it saw.
  template <typename Run, typename SeenFn>
  auto Read(int64_t min_version, Run run, SeenFn seen)
      -> decltype(run(std::declval<PgPool&>())) {
    if (TakeStandby()) {
      auto read = run(*standby_);
      if (read.ok()) {
        const Seen what = seen(*read);
        if (what.version >= min_version && !what.miss) {
          standby_reads_.fetch_add(1, std::memory_order_relaxed);
          return read;
        }
        Count(what.version < min_version ? Fallback::kBehind : Fallback::kMiss);
      } else {
        StandbyFailed(read.status());
      }
    }
    auto read = run(primary_);
    if (read.ok()) {
      if (const int64_t holds = seen(*read).version; holds < min_version) {
        return NoSuchVersion(holds, min_version);
      }
    }
    return read;
  }

  bool has_standby() const { return standby_ != nullptr; }

  // nml_db_standby_reads_total and nml_db_standby_fallbacks_total{reason}.
  void AddMetrics(RpcMetrics& metrics) const;

 private:
  enum class Fallback { kBehind, kMiss, kFailed, kDown, kCount };
  bool TakeStandby();
  void StandbyFailed(const absl::Status& status);
  void Count(Fallback reason);
  static absl::Status NoSuchVersion(int64_t holds, int64_t asked);

  PgPool& primary_;
  PgPool* const standby_;
  // Until when (steady clock, ns) the standby is not tried after it could
  // not be reached.
  std::atomic<int64_t> standby_down_until_{0};
  std::atomic<uint64_t> standby_reads_{0};
  std::atomic<uint64_t> fallbacks_[static_cast<int>(Fallback::kCount)] = {};
};

}  // namespace nml::common
