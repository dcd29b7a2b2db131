#pragma once

#include <absl/status/statusor.h>
#include <google/protobuf/message.h>
#include <grpcpp/support/server_callback.h>

#include <functional>
#include <vector>

#include "common/api/status.h"
#include "common/grpc/request_check.h"
#include "common/grpc/unary.h"

namespace nml::common {

// Writes `items` one after another on a server stream, each once the one
// before is out, then finishes OK; a client that goes away ends it early.
template <typename Item>
class ItemsWriter final : public grpc::ServerWriteReactor<Item> {
 public:
  // Writes the items given, or finishes with the status; once.
  void Begin(const grpc::Status& status) {
    if (!status.ok()) {
      this->Finish(status);
      return;
    }
    Next();
  }
  std::vector<Item>& items() { return items_; }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                                "the client stopped reading"));
      return;
    }
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (next_ == items_.size()) {
      this->Finish(grpc::Status::OK);
      return;
    }
    this->StartWrite(&items_[next_++]);
  }

  std::vector<Item> items_;
  size_t next_ = 0;
};

// The one way a service serves a server-streaming RPC whose answer is
// computed at once: CheckCall as for a unary call, then `produce()`'s
// items, or its error as the status. `produce` runs on gRPC's thread when
// `executor` is null (it must not block), else on a worker as a unary
// call's handler does (RunOnWorker: admitted or refused at once). It may
// add initial metadata to the context: nothing is sent before it returns.
template <typename Item>
grpc::ServerWriteReactor<Item>* ServeItems(
    grpc::CallbackServerContext* context,
    const google::protobuf::Message& request,
    std::function<absl::StatusOr<std::vector<Item>>(const CallInfo&)> produce,
    Executor* executor = nullptr) {
  auto* writer = new ItemsWriter<Item>();
  // Until Begin finishes the call the writer lives: OnDone comes after.
  const auto run = [writer,
                    produce = std::move(produce)](const CallInfo& call) {
    auto items = produce(call);
    if (!items.ok()) return items.status();
    writer->items() = *std::move(items);
    return absl::OkStatus();
  };
  if (const absl::StatusOr<CallInfo> call = CheckCall(*context, request);
      !call.ok()) {
    writer->Begin(ToGrpcStatus(call.status()));
  } else if (executor == nullptr) {
    writer->Begin(ToGrpcStatus(run(*call)));
  } else {
    RunOnWorker(
        context, *executor, *call, run,
        [writer](const grpc::Status& status) { writer->Begin(status); });
  }
  return writer;
}

}  // namespace nml::common
