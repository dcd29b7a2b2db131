#include "services/listings/snapshot_refresher.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "common/pg/pool.h"

namespace nml::listings {

void SnapshotHolder::Set(std::shared_ptr<const Snapshot> snapshot) {
  {
    std::lock_guard lock(mu_);
    current_.store(std::move(snapshot));
  }
  changed_.notify_all();
}

bool SnapshotHolder::WaitForVersion(int64_t version,
                                    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] {
    const auto s = current_.load();
    return s != nullptr && s->version() >= version;
  });
}

namespace {

class Listener final : public pqxx::notification_receiver {
 public:
  Listener(pqxx::connection_base& c, std::atomic<bool>& flag)
      : notification_receiver(c, SnapshotRefresher::kChannel), flag_(flag) {}
  void operator()(const std::string&, int) override { flag_ = true; }

 private:
  std::atomic<bool>& flag_;
};

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

void SnapshotRefresher::Poke() {
  if (auto status = Reload(); !status.ok()) poked_ = true;  // retry in Loop
}

absl::Status SnapshotRefresher::Reload() {
  std::lock_guard lock(reload_mu_);
  auto data = store_.LoadAll();
  if (!data.ok()) return data.status();
  const auto current = holder_.Get();
  if (current != nullptr && current->version() == data->version) {
    return absl::OkStatus();
  }
  const int64_t version = data->version;
  holder_.Set(Snapshot::Build(std::move(*data), absl::Now()));
  spdlog::info("snapshot at data version {}", version);
  return absl::OkStatus();
}

void SnapshotRefresher::Loop() {
  while (!stop_) {
    try {
      auto connection = common::OpenConnection(options_, "nml-listings-listen");
      std::atomic<bool> notified{false};
      Listener listener(*connection, notified);
      // Anything committed before LISTEN took effect is picked up here.
      if (auto status = Reload(); !status.ok()) {
        spdlog::warn("snapshot reload failed: {}",
                     std::string(status.message()));
        poked_ = true;
      }
      while (!stop_) {
        connection->await_notification(0, 200 * 1000);
        if (notified.exchange(false) || poked_.exchange(false)) {
          if (auto status = Reload(); !status.ok()) {
            spdlog::warn("snapshot reload failed: {}",
                         std::string(status.message()));
            poked_ = true;
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
