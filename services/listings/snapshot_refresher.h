#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/status/status.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "common/config.h"
#include "services/listings/listings_store.h"
#include "services/listings/snapshot.h"

namespace nml::listings {

// The snapshot being served, swapped atomically: a reader keeps the one it
// took for the whole call.
class SnapshotHolder final {
 public:
  std::shared_ptr<const Snapshot> Get() const { return current_.load(); }
  void Set(std::shared_ptr<const Snapshot> snapshot);
  // Waits until the served snapshot is at least `version`.
  bool WaitForVersion(int64_t version, std::chrono::milliseconds timeout);

 private:
  std::atomic<std::shared_ptr<const Snapshot>> current_;
  std::mutex mu_;
  std::condition_variable changed_;
};

// Keeps the holder in step with the database: LISTENs on its own connection
// for the notification every writing transaction sends, reloads and swaps
// the snapshot, and reloads in full after (re)connecting, so a change made
// while it was disconnected is not missed.
class SnapshotRefresher final {
 public:
  SnapshotRefresher(common::DatabaseOptions options, ListingsStore& store,
                    SnapshotHolder& holder);
  ~SnapshotRefresher();

  // Loads the first snapshot (returning its error), then follows changes in
  // the background.
  absl::Status Start();
  void Stop();
  // Reload now (after a write of this process), without waiting for the
  // notification.
  void Poke();

  static constexpr char kChannel[] = "nml_listings_changed";

 private:
  absl::Status Reload();
  void Loop();

  const common::DatabaseOptions options_;
  ListingsStore& store_;
  SnapshotHolder& holder_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> poked_{false};
  std::mutex reload_mu_;
  std::thread thread_;
};

}  // namespace nml::listings
