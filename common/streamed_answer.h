#pragma once

#include <absl/status/statusor.h>
#include <google/protobuf/message.h>
#include <grpcpp/support/server_callback.h>

#include <functional>
#include <vector>

#include "common/request_check.h"
#include "common/status.h"

namespace nml::common {

// Writes `items` one after another on a server stream, each once the one
// before is out, then finishes OK; a client that goes away ends it early.
template <typename Item>
class ItemsWriter final : public grpc::ServerWriteReactor<Item> {
 public:
  ItemsWriter(const absl::StatusOr<std::vector<Item>>& items) {
    if (!items.ok()) {
      this->Finish(ToGrpcStatus(items.status()));
      return;
    }
    items_ = *items;
    Next();
  }
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
// computed at once (from a snapshot, not blocking): CheckCall as for a
// unary call, then `produce()`'s items, or its error as the status.
template <typename Item>
grpc::ServerWriteReactor<Item>* ServeItems(
    grpc::CallbackServerContext* context,
    const google::protobuf::Message& request,
    const std::function<absl::StatusOr<std::vector<Item>>()>& produce) {
  if (absl::Status refused = CheckCall(*context, request); !refused.ok()) {
    return new ItemsWriter<Item>(refused);
  }
  return new ItemsWriter<Item>(produce());
}

}  // namespace nml::common
