#include "common/grpc/timed_check.h"

#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>

#include <optional>
#include <thread>

namespace nml::common {

struct TimedCheck::State {
  std::string what;
  std::function<absl::Status()> check;
  absl::Mutex mu;
  absl::CondVar changed;
  bool requested ABSL_GUARDED_BY(mu) = false;  // a run is wanted or going
  // Of the last run, until taken.
  std::optional<absl::Status> result ABSL_GUARDED_BY(mu);
  bool stopping ABSL_GUARDED_BY(mu) = false;
};

TimedCheck::TimedCheck(std::string what, std::function<absl::Status()> check)
    : state_(std::make_shared<State>()) {
  state_->what = std::move(what);
  state_->check = std::move(check);
  std::thread([state = state_] {
    absl::MutexLock lock(&state->mu);
    for (;;) {
      while (!state->stopping && !state->requested) {
        state->changed.Wait(&state->mu);
      }
      if (state->stopping) return;
      state->mu.Unlock();
      absl::Status status = state->check();
      state->mu.Lock();
      state->result = std::move(status);
      state->requested = false;
      state->changed.SignalAll();
    }
  }).detach();
}

TimedCheck::~TimedCheck() {
  {
    absl::MutexLock lock(&state_->mu);
    state_->stopping = true;
  }
  state_->changed.SignalAll();
}

absl::Status TimedCheck::Poll(std::chrono::milliseconds timeout) {
  State& s = *state_;
  absl::MutexLock lock(&s.mu);
  if (!s.requested && !s.result.has_value()) {
    s.requested = true;
    s.changed.SignalAll();
  }
  const absl::Time deadline = absl::Now() + absl::FromChrono(timeout);
  while (!s.result.has_value() &&
         !s.changed.WaitWithDeadline(&s.mu, deadline)) {
  }
  if (!s.result.has_value()) {
    return absl::UnavailableError(absl::StrCat(
        s.what, " did not answer within ", timeout.count(), " ms"));
  }
  absl::Status status = std::move(*s.result);
  s.result.reset();
  return status;
}

}  // namespace nml::common
