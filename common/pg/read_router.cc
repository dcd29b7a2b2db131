#include "common/pg/read_router.h"

#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>

#include "common/api/names.h"

namespace nml::common {
namespace {

// How long reads leave an unreachable standby alone before one tries it
// again.
constexpr std::chrono::seconds kStandbyRetry(1);

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ReadRouter::ReadRouter(PgPool& primary, PgPool* standby)
    : primary_(primary), standby_(standby) {}

bool ReadRouter::TakeStandby() {
  if (standby_ == nullptr) return false;
  if (NowNs() < standby_down_until_.load(std::memory_order_relaxed)) {
    Count(Fallback::kDown);
    return false;
  }
  return true;
}

void ReadRouter::StandbyFailed(const absl::Status& status) {
  Count(Fallback::kFailed);
  if (!absl::IsUnavailable(status)) {
    spdlog::debug("standby read failed, read on the primary: {}",
                  std::string(status.message()));
    return;
  }
  const int64_t until =
      NowNs() + std::chrono::nanoseconds(kStandbyRetry).count();
  // Logged once per outage, not once per read.
  if (standby_down_until_.exchange(until) < NowNs()) {
    spdlog::warn("read standby unreachable, reads go to the primary: {}",
                 std::string(status.message()));
  }
}

void ReadRouter::Count(Fallback reason) {
  fallbacks_[static_cast<int>(reason)].fetch_add(1, std::memory_order_relaxed);
}

absl::Status ReadRouter::NoSuchVersion(int64_t holds, int64_t asked) {
  return absl::FailedPreconditionError(absl::StrCat(
      kMinDataVersionMetadata, ": the database holds data version ", holds,
      ", and no write of this service has answered ", asked,
      " yet (each service counts its own versions)"));
}

void ReadRouter::AddMetrics(RpcMetrics& metrics) const {
  if (standby_ == nullptr) return;
  metrics.AddCounter(
      "nml_db_standby_reads_total", "Reads answered by the read standby",
      [this] { return static_cast<double>(standby_reads_.load()); });
  const auto fallback = [this](Fallback reason) {
    return [this, reason] {
      return static_cast<double>(fallbacks_[static_cast<int>(reason)].load());
    };
  };
  metrics.AddCounter(
      "nml_db_standby_fallbacks_behind_total",
      "Reads sent to the primary: the standby had not replayed the data "
      "version asked for",
      fallback(Fallback::kBehind));
  metrics.AddCounter("nml_db_standby_fallbacks_miss_total",
                     "Reads sent to the primary: the standby found no row",
                     fallback(Fallback::kMiss));
  metrics.AddCounter("nml_db_standby_fallbacks_failed_total",
                     "Reads sent to the primary: the standby read failed",
                     fallback(Fallback::kFailed));
  metrics.AddCounter(
      "nml_db_standby_fallbacks_down_total",
      "Reads sent to the primary without trying the standby, which was "
      "unreachable a moment before",
      fallback(Fallback::kDown));
}

}  // namespace nml::common
