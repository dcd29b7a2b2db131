#include "common/timed_check.h"

#include <absl/strings/str_cat.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace nml::common {

struct TimedCheck::State {
  std::string what;
  std::function<absl::Status()> check;
  std::mutex mu;
  std::condition_variable changed;
  bool requested = false;              // a run is wanted or going
  std::optional<absl::Status> result;  // of the last run, until taken
  bool stopping = false;
};

TimedCheck::TimedCheck(std::string what, std::function<absl::Status()> check)
    : state_(std::make_shared<State>()) {
  state_->what = std::move(what);
  state_->check = std::move(check);
  std::thread([state = state_] {
    std::unique_lock lock(state->mu);
    for (;;) {
      state->changed.wait(lock,
                          [&] { return state->stopping || state->requested; });
      if (state->stopping) return;
      lock.unlock();
      absl::Status status = state->check();
      lock.lock();
      state->result = std::move(status);
      state->requested = false;
      state->changed.notify_all();
    }
  }).detach();
}

TimedCheck::~TimedCheck() {
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
  }
  state_->changed.notify_all();
}

absl::Status TimedCheck::Poll(std::chrono::milliseconds timeout) {
  State& s = *state_;
  std::unique_lock lock(s.mu);
  if (!s.requested && !s.result.has_value()) {
    s.requested = true;
    s.changed.notify_all();
  }
  if (!s.changed.wait_for(lock, timeout,
                          [&] { return s.result.has_value(); })) {
    return absl::UnavailableError(absl::StrCat(
        s.what, " did not answer within ", timeout.count(), " ms"));
  }
  absl::Status status = std::move(*s.result);
  s.result.reset();
  return status;
}

}  // namespace nml::common
