#pragma once

#include <atomic>

namespace nml::gateway {

// One call counted in a gauge for as long as it lives: counted once,
// uncounted once, however the call ends (the gateway's shutdown waits for
// the gauge to reach zero).
class InFlight final {
 public:
  explicit InFlight(std::atomic<int>& count) : count_(count) {
    count_.fetch_add(1);
  }
  ~InFlight() { count_.fetch_sub(1); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<int>& count_;
};

}  // namespace nml::gateway
