#include "services/gateway/file_call.h"

#include <google/api/httpbody.pb.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include "common/api/names.h"

namespace nml::gateway {

void FileCall::Start(grpc::GenericStub& stub, const std::string& grpc_path,
                     grpc::ClientContext* context, grpc::ByteBuffer request,
                     std::function<void(RestReply)> head,
                     std::function<void()> on_done) {
  auto call = std::make_shared<FileCall>(context, std::move(request),
                                         std::move(head), std::move(on_done));
  call->self_ = call;
  // A generic call is a bidirectional stream: one request, then reads.
  stub.PrepareBidiStreamingCall(context, grpc_path, grpc::StubOptions(),
                                call.get());
  call->StartWriteLast(&call->request_, grpc::WriteOptions());
  call->StartRead(&call->buffer_);
  call->StartCall();
}

RestReply FileCall::Head(std::string content_type) {
  RestReply reply;
  reply.content_type =
      content_type.empty() ? "application/octet-stream" : content_type;
  const auto& metadata = context_->GetServerInitialMetadata();
  for (const auto& [key, header] :
       {std::pair{"content-disposition", "Content-Disposition"},
        std::pair{common::kDataVersionMetadata, "X-Data-Version"}}) {
    const auto it = metadata.find(key);
    if (it != metadata.end()) {
      reply.headers.emplace_back(
          header, std::string(it->second.data(), it->second.size()));
    }
  }
  reply.stream = shared_from_this();
  return reply;
}

void FileCall::OnReadDone(bool ok) {
  if (!ok) {
    absl::MutexLock lock(&mu_);
    reads_done_ = true;  // OnDone says how the stream ended
    return;
  }
  google::api::HttpBody body;
  if (!grpc::SerializationTraits<google::api::HttpBody>::Deserialize(&buffer_,
                                                                     &body)
           .ok()) {
    {
      absl::MutexLock lock(&mu_);
      failed_ = true;
      reads_done_ = true;
    }
    context_->TryCancel();
    return;
  }
  std::function<void(RestReply)> head;
  std::function<void(std::optional<std::string>, bool)> waiter;
  {
    absl::MutexLock lock(&mu_);
    if (head_) {
      head = std::exchange(head_, nullptr);
      ready_ = std::move(*body.mutable_data());
    } else if (waiter_) {
      waiter = std::exchange(waiter_, nullptr);
    } else {
      ready_ = std::move(*body.mutable_data());
    }
  }
  if (head) {
    head(Head(body.content_type()));
  } else if (waiter) {
    StartRead(&buffer_);  // one ahead while this chunk is written
    waiter(std::move(*body.mutable_data()), true);
  }
}

void FileCall::Next(
    std::function<void(std::optional<std::string>, bool)> next) {
  std::optional<std::string> chunk;
  bool read_on = false;
  bool ok = true;
  {
    absl::MutexLock lock(&mu_);
    if (ready_.has_value()) {
      chunk = std::exchange(ready_, std::nullopt);
      read_on = !reads_done_ && !finished_;
    } else if (finished_) {
      ok = !failed_;
    } else {
      waiter_ = std::move(next);  // a read is under way, or the end
      return;
    }
  }
  if (read_on) StartRead(&buffer_);
  next(std::move(chunk), ok);
}

void FileCall::Cancel() { context_->TryCancel(); }

void FileCall::OnDone(const grpc::Status& status) {
  std::function<void(RestReply)> head;
  std::function<void(std::optional<std::string>, bool)> waiter;
  bool ok = true;
  {
    absl::MutexLock lock(&mu_);
    finished_ = true;
    if (!status.ok()) failed_ = true;
    ok = !failed_;
    if (head_) {
      head = std::exchange(head_, nullptr);
    } else if (!ready_.has_value()) {
      waiter = std::exchange(waiter_, nullptr);
    }
  }
  if (head) {
    // Nothing was read: the backend's error, or an empty file.
    if (!status.ok()) {
      head(ErrorReply(status));
    } else {
      RestReply empty;
      empty.content_type = "application/octet-stream";
      head(std::move(empty));
    }
  }
  if (waiter) waiter(std::nullopt, ok);
  on_done_();
  // Last: the HTTP side may still hold the call (as a BodyStream).
  auto keep = std::move(self_);
}

}  // namespace nml::gateway
