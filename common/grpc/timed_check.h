#pragma once

#include <absl/status/status.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace nml::common {

// A health check that may hang (a database that stopped answering but whose
// connection stays open: no error ever comes), run with a client-side time
// limit. The check runs on its own thread; Poll starts one run (unless one
// is still going) and waits at most `timeout` for it. A run that has not
// answered by then is UNAVAILABLE, and it is not abandoned: the next Poll
// waits on the same run, so a hung database never piles up probes, and
// health comes back as soon as the run answers.
class TimedCheck final {
 public:
  TimedCheck(std::string what, std::function<absl::Status()> check);
  // Does not wait for a run that hangs: its thread is left to end with it.
  ~TimedCheck();
  TimedCheck(const TimedCheck&) = delete;
  TimedCheck& operator=(const TimedCheck&) = delete;

  absl::Status Poll(std::chrono::milliseconds timeout);

 private:
  struct State;
  std::shared_ptr<State> state_;  // shared with the thread
};

}  // namespace nml::common
