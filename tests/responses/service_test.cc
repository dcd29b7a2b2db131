// ResponsesServiceImpl over gRPC on fakes: what common::ServeUnary adds to a
// handler (the status with its details, the worker queue's limits), seen
// by a client of the generated stub.
#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "common/api/status.h"
#include "services/responses/responses_service.h"
#include "tests/fakes/responses_fakes.h"
#include "tests/support/loopback_server.h"

namespace nml::responses {
namespace {

using namespace std::chrono_literals;

// A gate the fake store waits at, to hold the only worker busy.
class Gate {
 public:
  void Wait() {
    absl::MutexLock lock(&mu_);
    ++waiting_;
    arrived_.SignalAll();
    while (!open_) opened_.Wait(&mu_);
  }
  void WaitForArrival() {
    absl::MutexLock lock(&mu_);
    while (waiting_ == 0) arrived_.Wait(&mu_);
  }
  void Open() {
    absl::MutexLock lock(&mu_);
    open_ = true;
    opened_.SignalAll();
  }

 private:
  absl::Mutex mu_;
  absl::CondVar arrived_, opened_;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  bool open_ ABSL_GUARDED_BY(mu_) = false;
};

class ResponsesServiceTest : public ::testing::Test {
 protected:
  // One worker and one queue slot: a third concurrent call is refused.
  ResponsesServiceTest()
      : handlers_(store_, targets_, 4 << 20),
        executor_(1, 1),
        service_(handlers_, executor_),
        server_(&service_),
        stub_(v1::ResponsesService::NewStub(server_.Channel())) {}
  ~ResponsesServiceTest() override {
    server_.Shutdown();
    executor_.Shutdown();
  }

  grpc::Status GetStakeholder(const std::string& name,
                              std::chrono::milliseconds deadline = 5s) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline);
    v1::GetStakeholderRequest request;
    request.set_name(name);
    v1::GetStakeholderResponse response;
    return stub_->GetStakeholder(&context, request, &response);
  }

  testing::MemoryResponsesStore store_;
  testing::FakeTargetChecker targets_;
  ResponsesHandlers handlers_;
  common::Executor executor_;
  ResponsesServiceImpl service_;
  nml::testing::LoopbackServer server_;
  std::unique_ptr<v1::ResponsesService::Stub> stub_;
};

TEST_F(ResponsesServiceTest, AStaleEtagArrivesAsAbortedWithItsReason) {
  grpc::ClientContext context;
  v1::CreateStakeholderRequest create;
  create.mutable_stakeholder()->set_display_name("Tencent");
  create.mutable_stakeholder()->set_type(v1::STAKEHOLDER_TYPE_MARKET_OPERATOR);
  v1::CreateStakeholderResponse created;
  ASSERT_TRUE(stub_->CreateStakeholder(&context, create, &created).ok());

  grpc::ClientContext update_context;
  v1::UpdateStakeholderRequest update;
  *update.mutable_stakeholder() = created.stakeholder();
  update.mutable_stakeholder()->set_etag("7");
  update.mutable_update_mask()->add_paths("aliases");
  v1::UpdateStakeholderResponse updated;
  const grpc::Status status =
      stub_->UpdateStakeholder(&update_context, update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(common::ErrorInfoReasons(status),
            std::vector<std::string>{common::kEtagMismatchReason});
}

TEST_F(ResponsesServiceTest, AFieldErrorArrivesAsInvalidArgumentNamingIt) {
  const grpc::Status status = GetStakeholder("not-a-name");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("name:", 0), 0u)
      << status.error_message();
}

TEST_F(ResponsesServiceTest, AFullQueueIsRefusedAndAnExpiredCallNeverRuns) {
  Gate gate;
  store_.on_call = [&gate] { gate.Wait(); };
  // The worker is held inside the store...
  auto busy = std::async(std::launch::async,
                         [&] { return GetStakeholder("stakeholders/a"); });
  gate.WaitForArrival();
  // ...one call waits in the queue until its deadline passes...
  auto queued = std::async(std::launch::async, [&] {
    return GetStakeholder("stakeholders/b", 300ms);
  });
  for (int i = 0; i < 500 && executor_.queued() == 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(executor_.queued(), 1u);  // (no ASSERT: the gate must open)
  // ...and the next finds no room.
  const grpc::Status refused = GetStakeholder("stakeholders/c");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_message();
  EXPECT_EQ(queued.get().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server's copy of the deadline may end a moment after the client's
  // (the timeout is sent rounded up).
  std::this_thread::sleep_for(50ms);
  gate.Open();
  EXPECT_EQ(busy.get().error_code(), grpc::StatusCode::NOT_FOUND);
  // Let the worker reach the expired call, which it drops unrun (the busy
  // call's answer can reach us before the worker takes it from the queue).
  for (int i = 0; i < 500 && executor_.queued() != 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(GetStakeholder("stakeholders/d").error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(store_.calls(), 2) << "the expired and refused calls never ran";
}

TEST_F(ResponsesServiceTest, ACallThatWouldWaitPastItsDeadlineIsRefusedAtOnce) {
  Gate gate;
  std::atomic<bool> hold{false};
  store_.on_call = [&] {
    std::this_thread::sleep_for(50ms);  // a slow database
    if (hold) gate.Wait();
  };
  // The executor learns that a call takes about 50 ms...
  EXPECT_EQ(GetStakeholder("stakeholders/a").error_code(),
            grpc::StatusCode::NOT_FOUND);
  // ...and its only worker is busy with one. (The fake store holds its
  // lock while the call waits at the gate, so it is not asked anything
  // until the gate opens.)
  const int before = store_.calls();
  hold = true;
  auto busy = std::async(std::launch::async,
                         [&] { return GetStakeholder("stakeholders/b"); });
  gate.WaitForArrival();

  // (Waited out, it would be DEADLINE_EXCEEDED, not RESOURCE_EXHAUSTED.)
  const grpc::Status refused = GetStakeholder("stakeholders/c", 30ms);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("past its deadline"),
            std::string::npos)
      << refused.error_message();
  EXPECT_TRUE(common::RetryDelay(refused).has_value())
      << "a google.rpc.RetryInfo says when to retry";

  hold = false;
  gate.Open();
  EXPECT_EQ(busy.get().error_code(), grpc::StatusCode::NOT_FOUND);
  // With time enough to wait, a call is taken.
  EXPECT_EQ(GetStakeholder("stakeholders/d", 2s).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(store_.calls(), before + 2) << "the refused call did no work";
}

}  // namespace
}  // namespace nml::responses
