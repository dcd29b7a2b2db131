#include "services/listings/snapshot_refresher.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "common/pg/pool.h"
#include "common/pg/version_listener.h"

namespace nml::listings {

int64_t SnapshotHolder::version() const {
  const auto s = current_.load();
  return s == nullptr ? -1 : s->version();
}

bool SnapshotHolder::SetIfNewer(std::shared_ptr<const Snapshot> snapshot) {
  const int64_t version = snapshot->version();
  std::function<void(int64_t)> on_advance;
  {
    absl::MutexLock lock(&mu_);
    if (this->version() >= version) return false;
    current_.store(std::move(snapshot));
    on_advance = on_advance_;
  }
  changed_.SignalAll();
  if (on_advance) on_advance(version);
  return true;
}

void SnapshotHolder::OnAdvance(std::function<void(int64_t)> listener) {
  absl::MutexLock lock(&mu_);
  on_advance_ = std::move(listener);
}

SnapshotHolder::Publishing::Publishing(SnapshotHolder& holder)
    : holder_(holder) {
  absl::MutexLock lock(&holder_.mu_);
  ++holder_.publishing_;
}

SnapshotHolder::Publishing::~Publishing() {
  {
    absl::MutexLock lock(&holder_.mu_);
    --holder_.publishing_;
  }
  holder_.changed_.SignalAll();
}

bool SnapshotHolder::AwaitPublished(int64_t version,
                                    std::chrono::milliseconds timeout) {
  absl::MutexLock lock(&mu_);
  const absl::Time deadline = absl::Now() + absl::FromChrono(timeout);
  while (this->version() < version && publishing_ != 0 &&
         !changed_.WaitWithDeadline(&mu_, deadline)) {
  }
  return this->version() >= version;
}

bool SnapshotHolder::AwaitVersion(int64_t version,
                                  std::chrono::milliseconds timeout) {
  absl::MutexLock lock(&mu_);
  const absl::Time deadline = absl::Now() + absl::FromChrono(timeout);
  while (this->version() < version &&
         !changed_.WaitWithDeadline(&mu_, deadline)) {
  }
  return this->version() >= version;
}

namespace {

// How long a notification waits for this instance's own write to publish.
constexpr auto kPublishWait = std::chrono::milliseconds(500);

}  // namespace

SnapshotRefresher::SnapshotRefresher(common::DatabaseOptions options,
                                     ListingsStore& store,
                                     SnapshotHolder& holder)
    : options_(std::move(options)), store_(store), holder_(holder) {}

SnapshotRefresher::~SnapshotRefresher() { Stop(); }

absl::Status SnapshotRefresher::Start() {
  if (auto status = Reload(); !status.ok()) return status;
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void SnapshotRefresher::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

absl::Status SnapshotRefresher::Reload() {
  absl::MutexLock lock(&reload_mu_);
  const absl::Time start = absl::Now();
  auto data = store_.LoadAll();
  if (!data.ok()) return data.status();
  const int64_t version = data->version;
  if (holder_.version() >= version) {
    // Served already, or a newer one was published while this one loaded.
    // (A database restored to an older version is only seen after a
    // restart.)
    return absl::OkStatus();
  }
  if (holder_.SetIfNewer(Snapshot::Build(std::move(*data), absl::Now()))) {
    last_reload_seconds_ = absl::ToDoubleSeconds(absl::Now() - start);
    spdlog::info("snapshot at data version {}", version);
  }
  return absl::OkStatus();
}

void SnapshotRefresher::Loop() {
  while (!stop_) {
    try {
      auto connection = common::OpenConnection(options_, "nml-listings-listen");
      std::atomic<bool> notified{false};
      common::VersionNotifications listener(*connection, kChannel, notified,
                                            announced_);
      // Anything committed before LISTEN took effect is picked up here.
      if (auto status = Reload(); !status.ok()) {
        spdlog::warn("snapshot reload failed: {}",
                     std::string(status.message()));
        retry_ = true;
      }
      while (!stop_) {
        connection->await_notification(0, 200 * 1000);
        const bool notified_now = notified.exchange(false);
        // A write of this instance publishes its own snapshot; its
        // notification can arrive just before it does.
        const bool behind =
            notified_now &&
            !holder_.AwaitPublished(announced_.load(), kPublishWait);
        if (behind || retry_.exchange(false)) {
          if (auto status = Reload(); !status.ok()) {
            spdlog::warn("snapshot reload failed: {}",
                         std::string(status.message()));
            retry_ = true;
          }
        }
      }
    } catch (const std::exception& e) {
      spdlog::warn("snapshot listener lost the database: {}", e.what());
      for (int i = 0; i < 10 && !stop_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
}

}  // namespace nml::listings
