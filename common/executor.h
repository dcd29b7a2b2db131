#pragma once

#include <absl/base/thread_annotations.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/auth.h"
#include "common/config.h"

namespace nml::common {

// A fixed set of worker threads with a bounded queue. Callback handlers
// must not block gRPC's threads, so blocking work (the database) runs here;
// when the queue is full the work is refused rather than a thread added.
class Executor final {
 public:
  Executor(int workers, int queue_limit, int inject_delay_ms = 0);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // False when the queue is full or the executor is stopping.
  bool TrySubmit(std::function<void()> task);

  // Runs what is queued, then joins the workers. Idempotent.
  void Shutdown();

  size_t queued() const;
  int workers() const { return static_cast<int>(threads_.size()); }

  // Sleeps for the injected delay (if any), waking early when `context` is
  // cancelled, as a slow database call would be.
  void InjectDelay(grpc::CallbackServerContext* context) const;
  bool has_injected_delay() const { return inject_delay_.count() > 0; }

 private:
  void WorkerLoop();

  const size_t queue_limit_;
  const std::chrono::milliseconds inject_delay_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// Runs `handler` (returning grpc::Status after filling the response) on the
// executor and finishes the call from there, exactly once. A full queue is
// RESOURCE_EXHAUSTED; a call whose deadline passed or that the client
// cancelled while queued is not run.
template <typename Handler>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context,
                                   Executor& executor, Handler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (absl::Status auth = AuthDecision(*context); !auth.ok()) {
    reactor->Finish(grpc::Status(static_cast<grpc::StatusCode>(auth.code()),
                                 std::string(auth.message())));
    return reactor;
  }
  const bool accepted = executor.TrySubmit(
      [context, reactor, &executor, handler = std::move(handler)]() mutable {
        executor.InjectDelay(context);
        if (context->IsCancelled()) {
          reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                                       "call cancelled before it ran"));
          return;
        }
        if (context->deadline() < std::chrono::system_clock::now()) {
          reactor->Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                       "deadline passed while queued"));
          return;
        }
        reactor->Finish(handler());
      });
  if (!accepted) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "server busy: too many queued calls"));
  }
  return reactor;
}

}  // namespace nml::common
