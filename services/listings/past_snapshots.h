#pragma once

#include <absl/status/statusor.h>
#include <absl/synchronization/mutex.h>

#include <cstdint>
#include <map>
#include <memory>

#include "services/listings/listings_store.h"
#include "services/listings/snapshot.h"

namespace nml::listings {

// The data as it was at an earlier data version, rebuilt from the change
// log (every write's resources as written, from the log's start), so a
// screening pinned to a version (ScreenDomainsRequest.data_version) gets
// the answer it got then, on any instance, for as long as the log reaches
// back to its start. Rebuilding reads the log up to that version; the last
// few are kept.
class PastSnapshots final {
 public:
  explicit PastSnapshots(ListingsStore& store) : store_(store) {}

  // The snapshot at `version`; OUT_OF_RANGE when the log cannot rebuild
  // it (pruned, or a version the data has not reached). Blocks on the
  // database: call it on a worker.
  absl::StatusOr<std::shared_ptr<const Snapshot>> At(int64_t version);

 private:
  static constexpr size_t kKept = 4;

  ListingsStore& store_;
  absl::Mutex mu_;
  // By version.
  std::map<int64_t, std::shared_ptr<const Snapshot>> kept_ ABSL_GUARDED_BY(mu_);
  // Version -> last use (a counter).
  std::map<int64_t, int64_t> used_ ABSL_GUARDED_BY(mu_);
  int64_t uses_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace nml::listings
