#include "common/grpc/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "common/api/status.h"

namespace nml::common {
namespace {

// Keeps one worker of `executor` busy until Release (or the end of scope).
class HeldWorker {
 public:
  explicit HeldWorker(Executor& executor) {
    std::promise<void> started;
    held_ = executor.TrySubmit([&started, released = released_] {
      started.set_value();
      released.wait();
    });
    EXPECT_TRUE(held_) << "the executor refused the task that holds it";
    if (held_) started.get_future().wait();
  }
  ~HeldWorker() { Release(); }
  void Release() {
    if (!held_) return;
    held_ = false;
    release_.set_value();
  }

 private:
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  bool held_ = false;
};

TEST(Executor, RunsSubmittedWork) {
  Executor executor(2, 10);
  std::atomic<int> done{0};
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(executor.TrySubmit([&done] { ++done; }));
  }
  executor.Shutdown();
  EXPECT_EQ(done.load(), 10);
}

TEST(Executor, RefusesWorkBeyondTheQueueInsteadOfGrowing) {
  Executor executor(1, 2);
  HeldWorker held(executor);  // the only worker is busy
  EXPECT_TRUE(executor.TrySubmit([] {}));
  EXPECT_TRUE(executor.TrySubmit([] {}));
  EXPECT_FALSE(executor.TrySubmit([] {}));  // queue of 2 is full
  EXPECT_EQ(executor.workers(), 1);
  held.Release();
  executor.Shutdown();
  EXPECT_FALSE(executor.TrySubmit([] {}));  // stopped
}

TEST(Executor, EstimatesTheWaitAndAdmitsWhatTheQueueAndDeadlineAllow) {
  using namespace std::chrono_literals;
  Executor executor(1, 10);
  EXPECT_EQ(executor.EstimatedWait().count(), 0) << "nothing has run yet";
  std::promise<void> ran;
  ASSERT_TRUE(executor.TrySubmit([&ran] {
    std::this_thread::sleep_for(40ms);
    ran.set_value();
  }));
  ran.get_future().wait();
  std::this_thread::sleep_for(10ms);  // the worker records the run
  EXPECT_EQ(executor.EstimatedWait().count(), 0) << "an idle worker";

  HeldWorker held(executor);
  ASSERT_TRUE(executor.TrySubmit([] {}));
  // One running and one queued: a call now would wait two runs, which the
  // queue holds, unless its deadline comes first.
  const auto far = std::chrono::system_clock::now() + 1h;
  EXPECT_TRUE(executor.Admit(far).ok()) << executor.Admit(far);
  const absl::Status soon =
      executor.Admit(std::chrono::system_clock::now() + 50ms);
  EXPECT_EQ(soon.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(soon.message().find("past its deadline"), std::string::npos)
      << soon;
  ASSERT_TRUE(executor.TrySubmit([] {}));
  // Three runs: a burst is queued...
  EXPECT_TRUE(executor.Admit(far).ok()) << executor.Admit(far);
  // ...but once the worker has been busy for two whole windows the
  // executor is overloaded: more than two runs of queue is refused,
  // whatever the deadline.
  std::this_thread::sleep_for(Executor::kOverloadWindows * Executor::kWindow +
                              Executor::kWindow + 20ms);
  const absl::Status full = executor.Admit(far);
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(full.message().find("an overloaded queue holds"), std::string::npos)
      << full;
  // Both refusals say when to retry (google.rpc.RetryInfo): about the wait.
  const auto retry = RetryDelay(ToGrpcStatus(full));
  ASSERT_TRUE(retry.has_value());
  EXPECT_GE(*retry, 100ms);
  EXPECT_TRUE(RetryDelay(ToGrpcStatus(soon)).has_value());
  // One running and two queued on one worker: three runs of about 40 ms.
  const auto wait = executor.EstimatedWait();
  EXPECT_GE(wait, 110ms);
  EXPECT_LE(wait, 1s)
      << "bounded by what was measured, with room for a slow machine";
  held.Release();
  executor.Shutdown();
}

}  // namespace
}  // namespace nml::common
