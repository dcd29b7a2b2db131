#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "common/config.h"

namespace nml::common {

// A LISTEN on a channel whose payload is the data version a writing
// transaction made: records the newest announced and raises `notified`. A
// payload that is not a number (an older schema's) announces "anything may
// have changed" (the largest version).
class VersionNotifications final : public pqxx::notification_receiver {
 public:
  VersionNotifications(pqxx::connection_base& c, const std::string& channel,
                       std::atomic<bool>& notified,
                       std::atomic<int64_t>& announced);
  void operator()(const std::string& payload, int) override;

 private:
  std::atomic<bool>& notified_;
  std::atomic<int64_t>& announced_;
};

// Follows a channel on a connection of its own, reconnecting when the
// database goes away: calls `on_version` with each version announced, and
// with the version in data_state after each (re)connection, so what was
// committed while it was away is not missed.
class VersionListener final {
 public:
  VersionListener(DatabaseOptions options, std::string channel,
                  std::string application_name,
                  std::function<void(int64_t)> on_version);
  ~VersionListener();
  void Start();
  void Stop();

 private:
  void Loop();

  const DatabaseOptions options_;
  const std::string channel_;
  const std::string application_name_;
  const std::function<void(int64_t)> on_version_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace nml::common
