#include "common/grpc/executor.h"

#include <absl/strings/str_cat.h>

#include <algorithm>

#include "common/api/status.h"
#include "common/grpc/metrics.h"

namespace nml::common {

Executor::Executor(int workers, int queue_limit)
    : queue_limit_(static_cast<size_t>(queue_limit)) {
  window_start_ = accounted_ = std::chrono::steady_clock::now();
  threads_.reserve(static_cast<size_t>(workers));
  for (int i = 0; i < workers; ++i) {
    threads_.emplace_back([this] { WorkerLoop(); });
  }
}

Executor::~Executor() { Shutdown(); }

bool Executor::TrySubmit(std::function<void()> task) {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
    if (queue_.size() >= queue_limit_) {
      ++shed_;
      return false;
    }
    queue_.push_back(std::move(task));
  }
  ready_.Signal();
  return true;
}

void Executor::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  ready_.SignalAll();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

size_t Executor::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

std::chrono::microseconds Executor::EstimatedWait() const {
  absl::MutexLock lock(&mu_);
  return EstimatedWaitLocked();
}

std::chrono::microseconds Executor::EstimatedWaitLocked() const {
  const int workers = static_cast<int>(threads_.size());
  const int idle = workers - busy_;
  const int ahead = static_cast<int>(queue_.size());
  if (workers == 0 || ahead < idle) return std::chrono::microseconds(0);
  // Rounds of work before this task's turn, each about one mean run.
  const int rounds = (ahead - idle) / workers + 1;
  return std::chrono::microseconds(static_cast<int64_t>(rounds * mean_run_us_));
}

void Executor::AccountLocked(std::chrono::steady_clock::time_point now) {
  const int workers = static_cast<int>(threads_.size());
  const bool saturated = workers > 0 && busy_ == workers;
  if (!saturated && now - window_start_ > kOverloadWindows * kWindow) {
    // Long enough with a worker free: no need to walk every window.
    window_start_ = accounted_ = now;
    all_busy_ = {};
    saturated_windows_ = 0;
    return;
  }
  for (;;) {
    const auto window_end = window_start_ + kWindow;
    const auto until = std::min(now, window_end);
    if (saturated && until > accounted_) all_busy_ += until - accounted_;
    accounted_ = std::max(accounted_, until);
    if (now < window_end) return;
    // Hysteresis: 95% busy counts a window towards overload; only a window
    // under 50% (workers with time to spare) ends it. The idle moments a
    // short queue leaves under sustained overload do not.
    if (all_busy_ * 20 >= kWindow * 19) {
      ++saturated_windows_;
    } else if (all_busy_ * 2 < kWindow) {
      saturated_windows_ = 0;
    }
    all_busy_ = {};
    window_start_ = window_end;
  }
}

int Executor::busy() const {
  absl::MutexLock lock(&mu_);
  return busy_;
}

uint64_t Executor::shed() const {
  absl::MutexLock lock(&mu_);
  return shed_;
}

void AddExecutorMetrics(RpcMetrics& metrics, const Executor& executor) {
  metrics.AddGauge("nml_executor_workers", "Worker threads that run calls",
                   [&executor] { return executor.workers(); });
  metrics.AddGauge("nml_executor_busy", "Workers running a call now",
                   [&executor] { return executor.busy(); });
  metrics.AddGauge(
      "nml_executor_queued", "Calls waiting for a worker",
      [&executor] { return static_cast<double>(executor.queued()); });
  metrics.AddCounter(
      "nml_executor_shed_total",
      "Calls refused with RESOURCE_EXHAUSTED rather than queued",
      [&executor] { return static_cast<double>(executor.shed()); });
}

void Executor::SetDependency(std::string what, std::function<bool()> up) {
  dependency_ = std::move(what);
  dependency_up_ = std::move(up);
}

absl::Status Executor::DependencyStatus() {
  absl::MutexLock lock(&mu_);
  return DependencyStatusLocked();
}

absl::Status Executor::DependencyStatusLocked() {
  if (!dependency_up_) return absl::OkStatus();
  if (!dependency_up_()) {
    dependency_was_down_ = true;
    return absl::UnavailableError(absl::StrCat(
        dependency_, " is not answering (health: NOT_SERVING); retry later"));
  }
  if (dependency_was_down_) {
    // Runs that hung on the outage say nothing of the load after it.
    dependency_was_down_ = false;
    mean_run_us_ = 0;
    saturated_windows_ = 0;
    all_busy_ = {};
    window_start_ = accounted_ = std::chrono::steady_clock::now();
  }
  return absl::OkStatus();
}

absl::Status Executor::Admit(std::chrono::system_clock::time_point deadline) {
  absl::MutexLock lock(&mu_);
  if (absl::Status up = DependencyStatusLocked(); !up.ok()) return up;
  AccountLocked(std::chrono::steady_clock::now());
  const auto wait = EstimatedWaitLocked();
  if (wait.count() == 0) return absl::OkStatus();
  const auto most =
      std::max(kMinWait, std::chrono::microseconds(
                             static_cast<int64_t>(kWaitRuns * mean_run_us_)));
  if (saturated_windows_ >= kOverloadWindows && wait > most) {
    ++shed_;
    return BusyError(
        absl::StrCat("server overloaded: the call would wait about ",
                     wait.count() / 1000, " ms for a worker, more than the ",
                     most.count() / 1000,
                     " ms an overloaded queue holds; retry with backoff"),
        std::chrono::duration_cast<std::chrono::milliseconds>(wait));
  }
  if (std::chrono::system_clock::now() + wait > deadline) {
    ++shed_;
    return BusyError(
        absl::StrCat("server busy: the call would wait about ",
                     wait.count() / 1000, " ms, past its deadline"),
        std::chrono::duration_cast<std::chrono::milliseconds>(wait));
  }
  return absl::OkStatus();
}

void Executor::WorkerLoop() {
  // The weight of the newest run in the moving average.
  constexpr double kAlpha = 0.2;
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      while (!stopping_ && queue_.empty()) ready_.Wait(&mu_);
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      AccountLocked(std::chrono::steady_clock::now());
      ++busy_;
    }
    const auto start = std::chrono::steady_clock::now();
    task();
    const double run_us = std::chrono::duration<double, std::micro>(
                              std::chrono::steady_clock::now() - start)
                              .count();
    absl::MutexLock lock(&mu_);
    AccountLocked(std::chrono::steady_clock::now());
    --busy_;
    mean_run_us_ = mean_run_us_ == 0
                       ? run_us
                       : kAlpha * run_us + (1 - kAlpha) * mean_run_us_;
  }
}

}  // namespace nml::common
