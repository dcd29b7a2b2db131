#include "common/pg/version_listener.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <limits>

#include "common/pg/pool.h"

namespace nml::common {

VersionNotifications::VersionNotifications(pqxx::connection_base& c,
                                           const std::string& channel,
                                           std::atomic<bool>& notified,
                                           std::atomic<int64_t>& announced)
    : notification_receiver(c, channel),
      notified_(notified),
      announced_(announced) {}

void VersionNotifications::operator()(const std::string& payload, int) {
  int64_t version = 0;
  const char* end = payload.data() + payload.size();
  if (std::from_chars(payload.data(), end, version).ptr != end) {
    version = std::numeric_limits<int64_t>::max();
  }
  if (version > announced_) announced_ = version;
  notified_ = true;
}

VersionListener::VersionListener(DatabaseOptions options, std::string channel,
                                 std::string application_name,
                                 std::function<void(int64_t)> on_version)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      application_name_(std::move(application_name)),
      on_version_(std::move(on_version)) {}

VersionListener::~VersionListener() { Stop(); }

void VersionListener::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void VersionListener::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void VersionListener::Loop() {
  while (!stop_) {
    try {
      auto connection = OpenConnection(options_, application_name_);
      std::atomic<bool> notified{false};
      std::atomic<int64_t> announced{0};
      VersionNotifications receiver(*connection, channel_, notified, announced);
      const auto read_version = [&connection] {
        pqxx::nontransaction tx(*connection);
        return tx.exec1("SELECT version FROM data_state")["version"]
            .as<int64_t>();
      };
      on_version_(read_version());  // committed before LISTEN took effect
      while (!stop_) {
        connection->await_notification(0, 200 * 1000);
        if (!notified.exchange(false)) continue;
        const int64_t version = announced.load();
        on_version_(version == std::numeric_limits<int64_t>::max()
                        ? read_version()
                        : version);
      }
    } catch (const std::exception& e) {
      spdlog::warn("{}: lost the database: {}", application_name_, e.what());
      for (int i = 0; i < 10 && !stop_; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
}

}  // namespace nml::common
