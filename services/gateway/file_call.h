#pragma once

#include <absl/synchronization/mutex.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/client_callback.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "services/gateway/rest_message.h"

namespace nml::gateway {

// One REST call of a route that streams a file (IsFileRoute): a
// server-streaming call of google.api.HttpBody, read one message ahead of
// what the HTTP side has written. The head is answered once the first
// chunk is in (so an error before it is an ordinary JSON error): status
// 200, the first chunk's content type, and the backend's
// `content-disposition` and `x-data-version` initial metadata as headers.
class FileCall final
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>,
      public BodyStream,
      public std::enable_shared_from_this<FileCall> {
 public:
  // `context` outlives the call (until `on_done`); `head` gets the reply's
  // head (or the error); `on_done` runs once the call is over.
  static void Start(grpc::GenericStub& stub, const std::string& grpc_path,
                    grpc::ClientContext* context, grpc::ByteBuffer request,
                    std::function<void(RestReply)> head,
                    std::function<void()> on_done);

  void Next(
      std::function<void(std::optional<std::string>, bool)> next) override;
  void Cancel() override;

  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

  FileCall(grpc::ClientContext* context, grpc::ByteBuffer request,
           std::function<void(RestReply)> head, std::function<void()> on_done)
      : context_(context),
        request_(std::move(request)),
        on_done_(std::move(on_done)),
        head_(std::move(head)) {}

 private:
  RestReply Head(std::string content_type);

  grpc::ClientContext* const context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer buffer_;  // the message being read
  std::function<void()> on_done_;
  std::shared_ptr<FileCall> self_;  // alive until OnDone

  absl::Mutex mu_;
  // Empty once the head is sent.
  std::function<void(RestReply)> head_ ABSL_GUARDED_BY(mu_);
  // A chunk read, not yet asked for.
  std::optional<std::string> ready_ ABSL_GUARDED_BY(mu_);
  std::function<void(std::optional<std::string>, bool)> waiter_
      ABSL_GUARDED_BY(mu_);
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  // Finished with an error, or a chunk did not parse.
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace nml::gateway
