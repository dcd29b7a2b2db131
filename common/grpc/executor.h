#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/status/status.h>
#include <absl/synchronization/mutex.h>

#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace nml::common {

// A fixed set of worker threads with a bounded queue. Callback handlers
// must not block gRPC's threads, so blocking work (the database) runs here;
// when the queue is full the work is refused rather than a thread added.
class Executor final {
 public:
  Executor(int workers, int queue_limit);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // False when the queue is full or the executor is stopping.
  bool TrySubmit(std::function<void()> task);

  // Runs what is queued, then joins the workers. Idempotent.
  void Shutdown();

  size_t queued() const;
  int workers() const { return static_cast<int>(threads_.size()); }
  // Workers running a task now.
  int busy() const;
  // Calls refused so far: by Admit, or by TrySubmit on a full queue.
  uint64_t shed() const;

  // How long a task submitted now would wait before a worker takes it: the
  // tasks ahead of it, beyond the idle workers, shared among the workers,
  // times the recent mean run time (an exponential moving average). Zero
  // until a task has run, and while a worker is idle.
  std::chrono::microseconds EstimatedWait() const;

  // What every task needs (the database), and whether it answers now (the
  // health loop's verdict, ServerRunner::database_up). While it does not,
  // calls are UNAVAILABLE at once, naming it, instead of queueing behind
  // workers stuck on it; when it answers again the load estimate, which
  // the stuck runs inflated, starts afresh, so refusals end with the
  // outage. Call before the first task.
  void SetDependency(std::string what, std::function<bool()> up);

  // Whether a task submitted now is taken: UNAVAILABLE while the dependency
  // is down; RESOURCE_EXHAUSTED, saying why,
  // when its estimated wait would pass `deadline` (refused now, while the
  // caller can still try elsewhere), or when the executor is overloaded and
  // the wait would exceed kWaitRuns runs of work (so an admitted call
  // finishes within about three unloaded runs) or kMinWait if that is more.
  // Overloaded: every worker was busy for at least 95% of kOverloadWindows
  // windows of kWindow since the last window they were busy for less than
  // half of. A burst the workers catch up with is not overload (it is
  // queued, up to the queue limit); the moments a short queue leaves a
  // worker idle under sustained load do not end it. Under overload the
  // excess is refused on arrival instead of queued.
  absl::Status Admit(std::chrono::system_clock::time_point deadline);
  // UNAVAILABLE while the dependency is down (a queued task checks again
  // before it runs); OK otherwise.
  absl::Status DependencyStatus();
  static constexpr int kWaitRuns = 2;
  static constexpr std::chrono::microseconds kMinWait{2000};
  static constexpr std::chrono::milliseconds kWindow{50};
  static constexpr int kOverloadWindows = 2;

 private:
  void WorkerLoop();
  std::chrono::microseconds EstimatedWaitLocked() const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Accounts the time every worker was busy up to `now` and closes the
  // windows that ended. Call it before `busy_` changes.
  void AccountLocked(std::chrono::steady_clock::time_point now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status DependencyStatusLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t queue_limit_;
  mutable absl::Mutex mu_;
  int busy_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t shed_ ABSL_GUARDED_BY(mu_) = 0;
  double mean_run_us_ ABSL_GUARDED_BY(mu_) = 0;
  // The saturation windows (AccountLocked).
  std::chrono::steady_clock::time_point window_start_ ABSL_GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point accounted_ ABSL_GUARDED_BY(mu_);
  std::chrono::steady_clock::duration all_busy_ ABSL_GUARDED_BY(mu_){};
  int saturated_windows_ ABSL_GUARDED_BY(mu_) = 0;
  absl::CondVar ready_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::string dependency_;
  std::function<bool()> dependency_up_;
  bool dependency_was_down_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

class RpcMetrics;
// Registers the executor's gauges (workers, busy, queued) and its shed-call
// counter on `metrics`, read at each scrape.
void AddExecutorMetrics(RpcMetrics& metrics, const Executor& executor);

}  // namespace nml::common
