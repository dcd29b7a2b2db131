#include "common/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace nml::common {
namespace {

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
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(executor.TrySubmit([&started, released] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();  // the only worker is busy
  EXPECT_TRUE(executor.TrySubmit([] {}));
  EXPECT_TRUE(executor.TrySubmit([] {}));
  EXPECT_FALSE(executor.TrySubmit([] {}));  // queue of 2 is full
  EXPECT_EQ(executor.workers(), 1);
  release.set_value();
  executor.Shutdown();
  EXPECT_FALSE(executor.TrySubmit([] {}));  // stopped
}

}  // namespace
}  // namespace nml::common
