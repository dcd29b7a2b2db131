#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/status/status.h>
#include <absl/synchronization/mutex.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "common/config.h"
#include "services/listings/listings_store.h"
#include "services/listings/snapshot.h"

namespace nml::listings {

// The snapshot being served, swapped atomically: a reader keeps the one it
// took for the whole call. It only moves forward: of a write's own snapshot
// and a reload racing it, the newer version wins.
class SnapshotHolder final {
 public:
  std::shared_ptr<const Snapshot> Get() const { return current_.load(); }
  int64_t version() const;
  // Serves `snapshot` unless one at least as new is served; false then.
  bool SetIfNewer(std::shared_ptr<const Snapshot> snapshot);
  // Called with each newly served version, outside the holder's lock
  // (nullptr: no one).
  void OnAdvance(std::function<void(int64_t)> listener);

  // A write of this instance that will publish its own snapshot: while one
  // is under way, a notification of a version not yet served is probably
  // its own, and the refresher waits for it instead of reading everything.
  class Publishing final {
   public:
    explicit Publishing(SnapshotHolder& holder);
    ~Publishing();
    Publishing(const Publishing&) = delete;
    Publishing& operator=(const Publishing&) = delete;

   private:
    SnapshotHolder& holder_;
  };
  // Waits until `version` is served, no write is publishing, or `timeout`;
  // true when `version` is served.
  bool AwaitPublished(int64_t version, std::chrono::milliseconds timeout);
  // Waits until `version` (or a newer one) is served, or `timeout`; true
  // when it is.
  bool AwaitVersion(int64_t version, std::chrono::milliseconds timeout);

 private:
  std::atomic<std::shared_ptr<const Snapshot>> current_;
  absl::Mutex mu_;  // serialises SetIfNewer; guards the wait below
  absl::CondVar changed_;
  int publishing_ ABSL_GUARDED_BY(mu_) = 0;
  std::function<void(int64_t)> on_advance_ ABSL_GUARDED_BY(mu_);
};

// Keeps the holder in step with the database: LISTENs on its own connection
// for the notification every writing transaction sends (with the version it
// made), reloads when the holder is behind that version, and reloads after
// (re)connecting, so a change made while it was disconnected is not missed.
// This instance's own writes publish their snapshot directly
// (ListingsServiceImpl), so their notifications cost nothing.
class SnapshotRefresher final {
 public:
  SnapshotRefresher(common::DatabaseOptions options, ListingsStore& store,
                    SnapshotHolder& holder);
  ~SnapshotRefresher();

  // Loads the first snapshot (returning its error), then follows changes in
  // the background.
  absl::Status Start();
  void Stop();

  static constexpr char kChannel[] = "nml_listings_changed";

  // Seconds the last reload took: reading everything and building the
  // snapshot.
  double last_reload_seconds() const { return last_reload_seconds_; }

 private:
  absl::Status Reload();
  void Loop();

  const common::DatabaseOptions options_;
  ListingsStore& store_;
  SnapshotHolder& holder_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> retry_{false};
  // The highest version a notification announced (0: one without).
  std::atomic<int64_t> announced_{0};
  std::atomic<double> last_reload_seconds_{0};
  absl::Mutex reload_mu_;  // one Reload at a time; guards no member
  std::thread thread_;
};

}  // namespace nml::listings
